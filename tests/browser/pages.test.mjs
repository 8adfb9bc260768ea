// Every page of every area on a 390 px phone, in Russian: nothing scrolls
// sideways (a phone widens its layout viewport to fit what overflows, so
// the page is measured against the device's width), no script fails, and
// no internal version number shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, signIn, logins, phone } from './harness.mjs';

let server; let browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** Opens `path` (or the first link matching `linkFrom`'s selector on a page) and checks it fits. */
async function fits(page, errors, path) {
  const res = await page.goto(server.base + path);
  assert.equal(res.status(), 200, path);
  await page.waitForLoadState('networkidle');
  const overflow = await page.evaluate((width) => {
    const wide = [...document.querySelectorAll('main *, header *, nav *')]
      .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > width + 1)
      .slice(0, 3)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' + String(e.className).split(' ').join('.') : ''}`);
    return { scroll: document.documentElement.scrollWidth, wide };
  }, page.viewportSize().width);
  assert.ok(overflow.scroll <= page.viewportSize().width, `${path} scrolls sideways on a phone: ${overflow.scroll} px (${overflow.wide.join(', ')})`);
  assert.deepEqual(errors.splice(0), [], `${path}: no script errors`);
  // Internal details are not the reader's business (a changed event says so in words).
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /(Версия|Version) \d/, `${path} shows an internal version`);
}

async function firstLink(page, listPath, prefix) {
  await page.goto(server.base + listPath);
  const href = await page.locator(`main a[href^="${prefix}"]`).first().getAttribute('href');
  assert.ok(href, `${listPath} links a ${prefix} page`);
  return href;
}

const areas = [
  ['rental', ['/admin/coworking', ['/admin/coworking', '/admin/coworking/tickets/'], '/admin/coworking/orders', ['/admin/coworking/orders', '/admin/coworking/orders/'], '/admin/coworking/orders/new', '/admin/coworking/door', '/admin/people', ['/admin/people', '/admin/people/'], '/admin/profile']],
  ['events', ['/admin/events', ['/admin/events', '/admin/events/'], '/admin/profile']],
  ['admin', ['/admin/settings', ['/admin/settings', '/admin/settings/venues/'], '/admin/people']],
  ['visitor', ['/app', '/app/book', ['/app', '/app/tickets/']]],
];

for (const [who, pages] of areas) {
  test(`the ${who} pages fit a 390 px phone`, async () => {
    const page = await signIn(browser, server.base, ...logins[who], 'ru-RU', phone);
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    for (const p of pages) {
      const path = Array.isArray(p) ? await firstLink(page, ...p) : p;
      await fits(page, errors, path);
    }
    await page.context().close();
  });
}

test('the door and the sign-up page fit a 390 px phone', async () => {
  const door = await signIn(browser, server.base, ...logins.gate, 'ru-RU', phone);
  const errors = [];
  door.on('pageerror', (e) => errors.push(String(e)));
  await fits(door, errors, '/door');
  const context = await browser.newContext({ locale: 'ru-RU', ...phone });
  const anonymous = await context.newPage();
  anonymous.on('pageerror', (e) => errors.push(String(e)));
  for (const path of ['/login', '/app/signup']) await fits(anonymous, errors, path);
  await context.close();
});
