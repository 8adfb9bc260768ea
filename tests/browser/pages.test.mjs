// Every page of every area, on a 1280 px desktop and a 390 px phone: nothing
// scrolls sideways (a phone widens its layout viewport to fit what
// overflows, so the page is measured against the device's width), no script
// fails, every button and link has a name, no internal version or raw key
// shows. With SCREENSHOTS=1 each page is photographed on both (ru; bg and en
// for a few) into docs/screenshots/page-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, signIn, logins, phone, desktop, screenshot } from './harness.mjs';

let server; let browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** Opens `path` and checks it as a customer would look at it. */
async function check(page, errors, path, shot) {
  const res = await page.goto(server.base + path);
  assert.equal(res.status(), 200, path);
  await page.waitForLoadState('networkidle');
  const found = await page.evaluate((width) => {
    const visible = (e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden';
    const wide = [...document.querySelectorAll('main *, header *, nav *')]
      .filter((e) => visible(e) && e.getBoundingClientRect().right > width + 1 && !e.closest('.scroll-box'))
      .slice(0, 3)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + String(e.className).split(' ').join('.') : ''}`);
    const nameless = [...document.querySelectorAll('button, a[href]')]
      .filter((e) => visible(e) && !(e.innerText.trim() || e.getAttribute('aria-label') || e.getAttribute('title') || e.getAttribute('aria-labelledby')))
      .map((e) => e.outerHTML.slice(0, 80));
    return { scroll: document.documentElement.scrollWidth, wide, nameless };
  }, page.viewportSize().width);
  assert.ok(found.scroll <= page.viewportSize().width, `${path} scrolls sideways at ${page.viewportSize().width} px: ${found.scroll} px (${found.wide.join(', ')})`);
  assert.deepEqual(found.nameless, [], `${path}: every button and link says what it is`);
  assert.deepEqual(errors.splice(0), [], `${path}: no script errors`);
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /(Версия|Version) \d/, `${path} shows an internal version`);
  assert.doesNotMatch(text, /undefined|\[object|NaN/, `${path} shows a script's leftovers`);
  if (shot) await screenshot(page, shot);
}

async function firstLink(page, listPath, prefix) {
  await page.goto(server.base + listPath);
  const href = await page.locator(`main a[href^="${prefix}"]`).first().getAttribute('href');
  assert.ok(href, `${listPath} links a ${prefix} page`);
  return href;
}

// [who, [[path or [list, prefix], screenshot name], ...]]
const areas = [
  ['rental', [
    ['/admin/coworking', 'coworking'], [['/admin/coworking', '/admin/coworking/tickets/'], 'ticket'],
    ['/admin/coworking/orders', 'orders'], [['/admin/coworking/orders', '/admin/coworking/orders/1'], 'order'],
    ['/admin/coworking/orders/new', 'order-new'], ['/admin/coworking/door', 'door-log'],
    ['/admin/people', 'people'], [['/admin/people', '/admin/people/'], 'person'], ['/admin/profile', 'profile'],
  ]],
  ['events', [
    ['/admin/events', 'events'], ['/admin/events/1', 'event'], ['/admin/events/1/sheet', 'event-sheet'],
    ['/admin/events/diary', 'hall-diary'],
  ]],
  ['admin', [
    ['/admin/settings', 'settings'], [['/admin/settings', '/admin/settings/venues/'], 'venue'],
    ['/admin/integrations', 'integrations'], ['/admin/integrations/mail', 'mail'],
  ]],
  ['visitor', [['/app', 'app-tickets'], ['/app/book', 'app-book'], [['/app', '/app/tickets/'], 'app-ticket']]],
  ['gate', [['/door', 'door']]],
];

for (const [who, pages] of areas) {
  for (const [device, size] of [['desktop', desktop], ['phone', phone]]) {
    test(`the ${who} pages fit a ${device}`, async () => {
      const page = await signIn(browser, server.base, ...logins[who], 'ru-RU', size);
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      for (const [p, name] of pages) {
        const path = Array.isArray(p) ? await firstLink(page, ...p) : p;
        await check(page, errors, path, `page-${name}-${device}-ru`);
      }
      await page.context().close();
    });
  }
}

test('the pages without a sign-in fit a desktop and a phone', async () => {
  for (const [device, size] of [['desktop', desktop], ['phone', phone]]) {
    const context = await browser.newContext({ locale: 'ru-RU', ...size });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    for (const [path, name] of [['/login', 'login'], ['/app/signup', 'app-signup'], ['/password-reset', 'password-reset'], ['/password-reset?token=x', null]]) {
      await check(page, errors, path, name && `page-${name}-${device}-ru`);
    }
    await context.close();
  }
});

test('a few pages in Bulgarian and English, on both', async () => {
  for (const [locale, tag] of [['bg-BG', 'bg'], ['en-GB', 'en']]) {
    for (const [device, size] of [['desktop', desktop], ['phone', phone]]) {
      const rental = await signIn(browser, server.base, ...logins.rental, locale, size);
      const errors = [];
      rental.on('pageerror', (e) => errors.push(String(e)));
      await check(rental, errors, '/admin/coworking', `page-coworking-${device}-${tag}`);
      await check(rental, errors, '/admin/coworking/orders/new', `page-order-new-${device}-${tag}`);
      await rental.context().close();
      const events = await signIn(browser, server.base, ...logins.events, locale, size);
      events.on('pageerror', (e) => errors.push(String(e)));
      await check(events, errors, '/admin/events/1', `page-event-${device}-${tag}`);
      await events.context().close();
    }
  }
});
