// The visitor's app and the door, in the browser: a visitor signs up on a
// 390 px phone, sees the first-visit information and then the pass as a QR
// code once a manager confirmed and validated the ticket, sends another
// ticket to someone else (who sees it), and opens the ticket offline; the
// door (a gate account) lets the pass in as a USB scanner would type it,
// refuses the sent ticket's old pass, decides offline with the published
// keys when the server cannot be reached, and the manager's door log shows
// that check marked offline once the door is back online.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, signIn, screenshot, logins, phone, desktop, api, moscowDay, fillDate, fillTime } from './harness.mjs';

let server; let browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const gateLogin = logins.gate;
const ivanLogin = logins.ivan;

/** The manager books a free workplace of the demo coworking for a visitor: answers order and ticket. */
async function book(manager, customerId, startDate, endDate) {
  const premises = (await api(manager, 'GET', '/api/v1/premises')).body.items.find((p) => p.kind === 'coworking');
  const free = await api(manager, 'GET', `/api/v1/premises/${premises.id}/free-workplaces?start_date=${startDate}&end_date=${endDate}`);
  const tariffs = (await api(manager, 'GET', `/api/v1/tariffs?venue_id=${premises.venue_id}`)).body.items;
  const daily = tariffs.find((t) => t.unit === 'day');
  const order = await api(manager, 'POST', '/api/v1/orders', {
    customer_id: customerId,
    items: [{ workplace_id: free.body.items[0].id, period: { start_date: startDate, end_date: endDate }, tariff_id: daily.id }],
  });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  return { order: order.body.number, ticket: order.body.tickets[0].number, premises };
}

const noSidewaysScroll = async (page, what) => {
  // Against the device's width: a phone widens its layout viewport (and
  // innerWidth with it) to fit a page that overflows.
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  const width = page.viewportSize().width;
  assert.ok(scroll <= width, `${what} scrolls sideways on a phone: ${scroll} > ${width}`);
};

test('a visitor signs up, gets a validated ticket, enters through the door, sends a ticket and keeps the pass offline', async () => {
  // Signing up on a phone, from the sign-in page.
  const context = await browser.newContext({ locale: 'ru-RU', ...phone });
  const app = await context.newPage();
  app.setDefaultTimeout(15000);
  await app.goto(server.base + '/login');
  await app.locator('#signup-link').click();
  await app.waitForURL('**/app/signup');
  await app.locator('#signup-form button[type=submit]').click();
  await app.locator('[data-error-for=email]').filter({ hasText: /\S/ }).waitFor();
  assert.match(await app.locator('[data-error-for=password]').textContent(), /[а-я]/, 'errors speak Russian at their fields');
  await noSidewaysScroll(app, 'the sign-up page');
  await app.locator('input[name=first_name]').fill('Пётр');
  await app.locator('input[name=last_name]').fill('Гостев');
  await app.locator('input[name=email]').fill('petr.gostev@example.test');
  await app.locator('input[name=password]').fill('a long visitor password');
  await app.locator('#signup-form button[type=submit]').click();
  await app.waitForURL(/\/app$/);
  assert.equal((await app.locator('.empty-title').textContent()).trim(), 'Билетов пока нет');
  await noSidewaysScroll(app, 'an empty "My tickets"');
  const me = await api(app, 'GET', '/api/v1/me');

  // Booking a slot by tapping: only free workplaces, the hourly tariff for a
  // slot, the server's price before booking.
  await app.locator('#book-link').click();
  await app.waitForURL('**/app/book');
  await noSidewaysScroll(app, 'the booking page');
  await app.locator('label:has(input[name=period_kind][value=slot])').click();
  assert.equal(await app.locator('select[name="items.0.tariff_id"] option:checked').getAttribute('data-unit'), 'hour', 'a slot is priced by the hour');
  await fillDate(app, 'items.0.period.date', moscowDay(5));
  await fillTime(app, 'items.0.period.start_time', '10:00');
  await fillTime(app, 'items.0.period.end_time', '12:00');
  await app.waitForFunction(() => /\d/.test(document.querySelector('#quote').textContent));
  const price = (await app.locator('#quote').textContent()).trim();
  assert.match(price, /₽/);
  await screenshot(app, 'app-book-phone-ru');
  await app.locator('#order-form button[type=submit]').click();
  await app.waitForURL(/\/app\/tickets\/\d+$/);
  const booked = Number(app.url().split('/').pop());
  assert.equal((await app.locator('#ticket-status').textContent()).trim(), 'Новый');
  assert.ok(await app.locator('#pass-none').isVisible(), 'no pass before the order is confirmed');
  const bookedOrder = await api(app, 'GET', `/api/v1/me/tickets/${booked}`);
  assert.equal(bookedOrder.body.can_cancel, true);

  // A manager books today (a walk-in) and tomorrow for them and confirms both.
  const manager = await signIn(browser, server.base, ...logins.rental);
  const today = await book(manager, me.body.id, moscowDay(0), moscowDay(0));
  const later = await book(manager, me.body.id, moscowDay(3), moscowDay(4));
  for (const o of [today.order, later.order]) {
    assert.equal((await api(manager, 'POST', `/api/v1/orders/${o}/status`, { status: 'confirmed' })).status, 200);
  }

  // "My tickets": upcoming first, soonest on top.
  await app.goto(server.base + '/app');
  const cards = app.locator('#upcoming .ticket-no');
  assert.deepEqual((await cards.allTextContents()).map((s) => s.trim()), [`Билет ${today.ticket}`, `Билет ${later.ticket}`, `Билет ${booked}`]);
  await screenshot(app, 'app-tickets-phone-ru');
  await noSidewaysScroll(app, '"My tickets"');

  // Before validation: the first-visit information.
  await app.locator(`a[href="/app/tickets/${today.ticket}"]`).click();
  await app.waitForURL(`**/app/tickets/${today.ticket}`);
  assert.ok(await app.locator('#first-visit').isVisible(), 'first-visit information until validated');
  assert.equal(await app.locator('#send-form').count(), 0, 'an active ticket is not sent (new or confirmed only)');
  assert.ok(await app.locator('#pass-qr svg').isVisible(), 'a confirmed ticket has its pass');

  // The manager validates it: the app hides the first visit and sending.
  await manager.goto(server.base + `/admin/coworking/tickets/${today.ticket}`);
  await manager.getByRole('button', { name: 'Выполнить' }).click();
  await manager.locator('#checked-by').getByText('Марина Спиридонова').waitFor();
  await app.reload();
  assert.equal(await app.locator('#first-visit').count(), 0);
  assert.equal(await app.locator('#send-form').count(), 0);
  const token = await app.locator('#pass-qr').getAttribute('data-token');
  assert.match(token, /^P2\./);
  await screenshot(app, 'app-ticket-phone-ru');
  await noSidewaysScroll(app, 'the ticket page');

  // The door: a gate lands on it, picks the premises once, and a USB
  // scanner types the pass and Enter.
  const door = await signIn(browser, server.base, ...gateLogin, 'ru-RU', desktop);
  assert.match(door.url(), /\/door$/, 'a gate lands at the door');
  await door.locator('#door-premises').selectOption({ label: today.premises.name });
  await door.locator('#door-start').click();
  await door.locator('#door-token').pressSequentially(token, { delay: 2 });
  await door.keyboard.press('Enter');
  const verdict = door.locator('#door-verdict');
  await verdict.waitFor();
  assert.ok(await verdict.evaluate((e) => e.classList.contains('allowed')));
  assert.equal((await door.locator('#door-verdict-reason').textContent()).trim(), 'Проходите');
  assert.equal((await door.locator('#door-verdict-ticket').textContent()).trim(), `Билет ${today.ticket}`);
  await screenshot(door, 'door-allowed-ru');
  await verdict.waitFor({ state: 'hidden' });
  assert.match(await door.locator('#door-last li').first().textContent(), new RegExp(`Билет ${today.ticket} · Проходите`));

  // The later ticket goes to Ivan; its old pass stops at once.
  await app.goto(server.base + `/app/tickets/${later.ticket}`);
  assert.ok(await app.locator('#first-visit').isVisible());
  const oldPass = await app.locator('#pass-qr').getAttribute('data-token');
  await app.locator('#send-form input[name=email]').fill('nobody@example.test');
  await app.locator('#send-form button[type=submit]').click();
  assert.match(await app.locator('[data-error-for=email]').filter({ hasText: /\S/ }).textContent(), /[а-я]/);
  await app.locator('#send-form input[name=email]').fill(ivanLogin[0]);
  await app.locator('#send-form button[type=submit]').click();
  await app.waitForURL(/\/app$/);
  assert.equal(await app.locator(`a[href="/app/tickets/${later.ticket}"]`).count(), 0, 'sent away');
  const ivan = await signIn(browser, server.base, ...ivanLogin, 'ru-RU', phone);
  assert.match(ivan.url(), /\/app$/, 'a visitor lands in the app');
  assert.equal(await ivan.locator(`a[href="/app/tickets/${later.ticket}"]`).count(), 1, 'Ivan sees the ticket sent to him');
  await door.locator('#door-token').fill(oldPass);
  await door.keyboard.press('Enter');
  await verdict.waitFor();
  assert.ok(await verdict.evaluate((e) => e.classList.contains('refused')));
  assert.match(await door.locator('#door-verdict-reason').textContent(), /Пропуск недействителен/);
  await screenshot(door, 'door-refused-ru');
  await verdict.waitFor({ state: 'hidden' });

  // The visitor cancels the slot they booked, after saying so in a dialog.
  await app.goto(server.base + `/app/tickets/${booked}`);
  await app.getByRole('button', { name: 'Отменить заказ' }).click();
  await app.locator('dialog[open]').getByRole('button', { name: 'Не отменять' }).click();
  assert.equal((await app.locator('#ticket-status').textContent()).trim(), 'Новый');
  await app.getByRole('button', { name: 'Отменить заказ' }).click();
  await app.locator('dialog[open] button[type=submit]').click();
  await app.waitForFunction(() => document.querySelector('#ticket-status').textContent.trim() === 'Отменен');
  assert.equal(await app.getByRole('button', { name: 'Отменить заказ' }).count(), 0);

  // Offline: the door checks the signature with the keys it loaded, says
  // it is offline, and uploads the check once the server is back.
  await door.context().setOffline(true);
  await door.locator('#door-token').fill(token);
  await door.keyboard.press('Enter');
  await verdict.waitFor();
  assert.ok(await verdict.evaluate((e) => e.classList.contains('allowed')), 'a valid pass opens offline');
  assert.match(await door.locator('#door-verdict-ticket').textContent(), /офлайн/);
  await door.locator('#door-link.offline').waitFor();
  await door.locator('#door-queue').filter({ hasText: '1' }).waitFor();
  await screenshot(door, 'door-offline-ru');
  await verdict.waitFor({ state: 'hidden' });
  await door.locator('#door-token').fill('P2.deadbeef.1.0.1.0.99999999999.1.AAAA');
  await door.keyboard.press('Enter');
  await verdict.waitFor();
  assert.ok(await verdict.evaluate((e) => e.classList.contains('refused')), 'a forged pass stays out offline too');
  await verdict.waitFor({ state: 'hidden' });
  await door.context().setOffline(false);
  await door.locator('#door-queue').waitFor({ state: 'hidden', timeout: 20000 });

  await manager.goto(server.base + `/admin/coworking/door?ticket_number=${today.ticket}&premises_id=${today.premises.id}`);
  const offlineRows = manager.locator('#results tbody tr').filter({ has: manager.locator('.tag') });
  assert.equal(await offlineRows.count(), 1, 'the offline entry is in the log, marked');
  assert.equal(await manager.locator('#results tbody tr').count(), 2, 'the online and the offline entry');
  assert.equal((await manager.locator('#entered-today').textContent()).trim(), '1');
  await screenshot(manager, 'door-log-ru');
  await manager.goto(server.base + `/admin/coworking/tickets/${today.ticket}`);
  assert.equal(await manager.locator('#ticket-checks li').count(), 2, 'the ticket page lists its own passages');
  assert.equal(await manager.locator('#ticket-checks .tag').count(), 1);

  // The visitor's phone goes offline: the ticket and its pass still open.
  await app.goto(server.base + `/app/tickets/${today.ticket}`);
  await app.waitForFunction(() => navigator.serviceWorker.getRegistration('/app').then((r) => !!(r && r.active)), null, { polling: 200 });
  await app.reload();
  await app.waitForFunction(() => !!navigator.serviceWorker.controller, null, { polling: 200 });
  await app.reload();
  await context.setOffline(true);
  await app.reload();
  assert.ok(await app.locator('#pass-qr svg').isVisible(), 'the pass shows offline');
  await app.locator('#offline-note').waitFor();
  await screenshot(app, 'app-ticket-offline-phone-ru');
  await context.setOffline(false);
});

test('each account lands where it works, and an area not one\'s own says whose it is, with a way out', async () => {
  const events = await signIn(browser, server.base, ...logins.events);
  await events.goto(server.base + '/admin/coworking');
  assert.equal((await events.locator('#error-text').textContent()).trim(), 'Этот раздел — для менеджеров по аренде.');
  await events.getByRole('button', { name: 'Выйти' }).click();
  await events.waitForURL('**/login');

  const visitor = await signIn(browser, server.base, ...ivanLogin, 'bg-BG', phone);
  assert.match(visitor.url(), /\/app$/);
  assert.equal((await visitor.locator('h1').textContent()).trim(), 'Моите билети');
  await noSidewaysScroll(visitor, 'the app in Bulgarian');
  await visitor.goto(server.base + '/admin/coworking');
  assert.match(await visitor.locator('#error-text').textContent(), /мениджърите по наемане/);
  await visitor.getByRole('link', { name: 'Към моя раздел' }).click();
  await visitor.waitForURL(/\/app$/);
  await screenshot(visitor, 'app-tickets-phone-bg');

  const gate = await signIn(browser, server.base, ...gateLogin, 'en-US', phone);
  assert.match(gate.url(), /\/door$/);
  assert.equal((await gate.locator('#setup-h').textContent()).trim(), 'Premises');
  await noSidewaysScroll(gate, 'the door on a phone');
  await gate.locator('#door-start').click();
  assert.equal((await gate.locator('#scan-h').textContent()).trim(), "Hold the pass's QR code to the scanner or the camera");
  await gate.locator('#door-token').fill('not a pass');
  await gate.keyboard.press('Enter');
  await gate.locator('#door-verdict.refused').waitFor();
  assert.match(await gate.locator('#door-verdict-reason').textContent(), /not valid/);
  await screenshot(gate, 'door-phone-en');
  await gate.goto(server.base + '/admin/coworking');
  assert.equal((await gate.locator('#error-text').textContent()).trim(), 'This section is for rental managers.');
});
