// Calendar feeds in the browser: a visitor subscribes from the app on a
// phone, an event manager from the hall diary; each address opens without
// a session (as a calendar app fetches it) and holds their events; a second
// subscription ends the first address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, signIn, screenshot, logins, phone } from './harness.mjs';

let server; let browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

async function subscribe(page) {
  await page.locator('#subscribe').click();
  await page.locator('#feed-url').waitFor();
  await page.waitForFunction(() => document.querySelector('#feed-url').textContent.startsWith('http'));
  return (await page.locator('#feed-url').textContent()).trim();
}

test('a visitor subscribes to their tickets from the app; a new subscription ends the old address', async () => {
  const page = await signIn(browser, server.base, ...logins.ivan, 'ru-RU', phone);
  await page.waitForURL(/\/app$/);
  assert.equal(await page.title(), 'Мои билеты · Tessera');
  const url = await subscribe(page);
  assert.match(url, /\/api\/v1\/me\/calendar\.ics\?key=/);
  assert.match(await page.locator('.subscribe .reveal a').getAttribute('href'), /^webcal:\/\//);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling (${width} px)`);
  await screenshot(page, 'app-calendar-phone-ru');

  // Fetched as a calendar app would: no cookie, no token.
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/calendar/);
  const text = await res.text();
  assert.match(text, /^BEGIN:VCALENDAR/);
  const tickets = (await page.locator('.ticket-cards li').count());
  assert.equal((text.match(/BEGIN:VEVENT/g) || []).length, tickets, 'one event per ticket the app lists');

  await page.reload();
  const second = await subscribe(page);
  assert.notEqual(second, url);
  assert.equal((await fetch(url)).status, 401, 'the old address stops working');
  assert.equal((await fetch(second)).status, 200);
  await page.context().close();
});

test('an event manager subscribes to a hall from the diary', async () => {
  const page = await signIn(browser, server.base, ...logins.events);
  await page.goto(server.base + '/admin/events/diary');
  const hall = await page.locator('.subscribe select[name=hall] option').first().textContent();
  const url = await subscribe(page);
  assert.match(url, /\/api\/v1\/halls\/\d+\/calendar\.ics\?key=/);
  const text = await (await fetch(url)).text();
  assert.match(text, /BEGIN:VCALENDAR/);
  assert.ok(text.includes(`X-WR-CALNAME:${hall.trim()} · Tessera`) || text.includes(hall.trim()), text.slice(0, 400));
  assert.match(text, /BEGIN:VEVENT/, 'the demo event holds the hall');
  await page.context().close();
});
