// The rental manager's day in the browser: the seed's "Service calendar >
// Coworking" page, clicked through in headless Chromium against the real server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, signIn, screenshot, logins, fillDate, confirmInPage } from './harness.mjs';

let server; let browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const rows = (page) => page.locator('#results tbody tr');
const column = async (page, n) => (await rows(page).locator(`td:nth-child(${n})`).allTextContents()).map((s) => s.trim());

test('a visitor cannot open the admin pages', async () => {
  const page = await signIn(browser, server.base, ...logins.visitor);
  const res = await page.goto(server.base + '/admin/coworking');
  assert.equal(res.status(), 403);
  assert.match(await page.locator('h1').textContent(), /Нет доступа/);
  assert.equal((await page.goto(server.base + '/admin/events')).status(), 403);
  await page.context().close();
});

test('signing in needs the right password and lands on the coworking list', async () => {
  const page = await signIn(browser, server.base, logins.rental[0], 'wrong password');
  assert.match(await page.locator('[role=alert]').textContent(), /Неверная электронная почта или пароль/);
  assert.ok(page.url().endsWith('/login'));
  await page.context().close();
  const ok = await signIn(browser, server.base, ...logins.rental);
  assert.ok(ok.url().endsWith('/admin/coworking'), ok.url());
  await ok.context().close();
});

test('the list is sorted by number descending and filters apply as the user types and picks', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  await screenshot(page, 'coworking-list-ru');
  const numbers = (await column(page, 1)).map(Number);
  assert.ok(numbers.length >= 10, `demo tickets listed: ${numbers}`);
  assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a));
  assert.deepEqual(await page.locator('thead th').allTextContents(), ['Номер', 'Период аренды', 'Посетитель', 'Статус', 'Номер места']);

  // A Cyrillic name prefix, typed: no button to press. The page swaps the
  // results in, then records the filter in its address: wait for that.
  await page.locator('#f-visitor').pressSequentially('мар', { delay: 30 });
  await page.waitForURL(/visitor=%D0%BC%D0%B0%D1%80$/);
  const visitors = await column(page, 3);
  assert.ok(visitors.length > 0);
  assert.ok(visitors.every((v) => v.startsWith('Марина') || v.startsWith('Мария')), visitors.join(', '));
  assert.ok(new Set(visitors).size >= 2, 'both Марина and Мария match "мар"');

  // Two statuses from the drop-down list.
  await page.locator('#f-status-button').click();
  await page.getByLabel('Новый', { exact: true }).check();
  await page.waitForURL(/status=new$/);
  await page.getByLabel('Подтвержден', { exact: true }).check();
  await page.waitForURL(/visitor=%D0%BC%D0%B0%D1%80&status=new&status=confirmed$/);
  const statuses = new Set(await column(page, 4));
  assert.deepEqual([...statuses].sort(), ['Новый', 'Подтвержден']);
  assert.ok((await column(page, 3)).every((v) => /^Мар/.test(v)));
  await screenshot(page, 'coworking-filtered-ru');

  // "Назад" clears one field; "Сбросить фильтр" clears them all.
  await page.locator('button[data-reset="f-visitor"]').click();
  await page.waitForURL(/\/admin\/coworking\?status=new&status=confirmed$/);
  assert.equal(await page.locator('#f-visitor').inputValue(), '');
  assert.ok((await column(page, 3)).some((v) => !/^Мар/.test(v)), 'other visitors are back');
  assert.ok((await column(page, 4)).every((s) => ['Новый', 'Подтвержден'].includes(s)));
  await page.locator('[data-menu="filters-menu"]').click();
  await page.getByText('Сбросить фильтр').click();
  await page.waitForURL(/\/admin\/coworking$/);
  assert.ok((await column(page, 4)).some((s) => !['Новый', 'Подтвержден'].includes(s)));
  assert.equal((await column(page, 1)).length, numbers.length);
  await page.context().close();
});

test('a confirmed ticket is validated and its validation reset, as the seed shows', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  await page.goto(server.base + '/admin/coworking?status=confirmed');
  const number = (await column(page, 1))[0];
  await page.locator(`#results a:text-is("${number}")`).click();
  await page.waitForURL(`**/tickets/${number}`);
  await screenshot(page, 'ticket-ru');
  await assert.doesNotReject(page.getByText('Проверьте личность посетителя').waitFor());
  assert.equal((await page.locator('#checked-at').textContent()).trim(), '—');

  await page.getByRole('button', { name: 'Выполнить' }).click();
  await page.waitForFunction(() => document.querySelector('#checked-by').textContent.trim() !== '—');
  assert.equal((await page.locator('#checked-by').textContent()).trim(), 'Марина Спиридонова');
  assert.match(await page.locator('#checked-at').textContent(), /\d\d\.\d\d\.\d{4} \d\d:\d\d/);
  assert.equal(await page.getByText('Проверьте личность посетителя').count(), 0);

  await page.getByRole('button', { name: 'Сбросить' }).click();
  // Asked first, in the page's own dialog: "Отмена" leaves it as it was.
  await page.locator('#confirm-dialog[open] [data-confirm-cancel]').click();
  assert.notEqual((await page.locator('#checked-by').textContent()).trim(), '—');
  await page.getByRole('button', { name: 'Сбросить' }).click();
  await confirmInPage(page);
  await page.waitForFunction(() => document.querySelector('#checked-by').textContent.trim() === '—');
  assert.equal((await page.locator('#checked-at').textContent()).trim(), '—');
  assert.equal(await page.getByText('Проверьте личность посетителя').count(), 1);
  await page.context().close();
});

test('the visitor is changed to a found user, then to a new one; a bad e-mail is flagged at its field', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  await page.goto(server.base + '/admin/coworking?status=new&visitor=Марина');
  const number = (await column(page, 1))[0];
  await page.goto(server.base + '/admin/coworking/tickets/' + number);
  await page.locator('section[aria-labelledby=visitor-h]').getByRole('button', { name: 'Изменить' }).click();
  const dialog = page.locator('#visitor-dialog');
  await dialog.locator('input[type=search]').pressSequentially('Стол', { delay: 30 });
  await dialog.getByText('Иван Столповский').waitFor();
  await dialog.getByText('Иван Столповский').click();
  await screenshot(page, 'ticket-change-visitor-ru');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await page.waitForFunction(() => document.querySelector('#visitor-name').textContent.includes('Иван Столповский'));

  await page.locator('section[aria-labelledby=visitor-h]').getByRole('button', { name: 'Изменить' }).click();
  await dialog.getByRole('button', { name: 'Новый пользователь' }).click();
  await dialog.locator('input[name="user.first_name"]').fill('Ольга');
  await dialog.locator('input[name="user.last_name"]').fill('Новикова');
  await dialog.locator('input[name="user.email"]').fill('not-an-email');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  const emailError = dialog.locator('[data-error-for="user.email"]');
  await page.waitForFunction(() => document.querySelector('[data-error-for="user.email"]').textContent.trim() !== '');
  assert.equal(await dialog.locator('input[name="user.email"]').getAttribute('aria-invalid'), 'true');
  assert.equal((await emailError.textContent()).trim(), 'это не адрес электронной почты', 'in the user\'s language, at the field');
  assert.ok(await dialog.locator('.form-error').isVisible());
  assert.match(await page.locator('#visitor-name').textContent(), /Иван Столповский/, 'nothing changed');

  await dialog.locator('input[name="user.email"]').fill(`olga.${Date.now()}@example.com`);
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await page.waitForFunction(() => document.querySelector('#visitor-name').textContent.includes('Ольга Новикова'));
  await page.context().close();
});

test('the workplace is changed to a free one', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  await page.goto(server.base + '/admin/coworking?status=new');
  const number = (await column(page, 1))[0];
  await page.goto(server.base + '/admin/coworking/tickets/' + number);
  const before = (await page.locator('#workplace-name').textContent()).trim();
  await page.locator('td').filter({ has: page.locator('#workplace-name') }).getByRole('button', { name: 'Изменить' }).click();
  const dialog = page.locator('#workplace-dialog');
  const choices = dialog.locator('input[name=workplace_id]');
  assert.ok(await choices.count() > 0, 'free workplaces are offered');
  const offered = (await dialog.locator('label.check').allTextContents()).map((s) => s.trim());
  assert.ok(!offered.includes(before), 'the ticket\'s own (taken) workplace is not offered');
  await choices.first().check();
  const target = offered[0];
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await page.waitForFunction((t) => document.querySelector('#workplace-name').textContent.trim() === t, target);
  await page.context().close();
});

test('the price of a new order shows before a customer is picked', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  await page.goto(server.base + '/admin/coworking/orders/new');
  await fillDate(page, 'items.0.period.start_date', '2031-04-06');
  await fillDate(page, 'items.0.period.end_date', '2031-04-08');
  await page.waitForFunction(() => /\d/.test(document.querySelector('#quote').textContent));
  assert.match((await page.locator('#quote').textContent()).trim(), /₽$/);
  await page.context().close();
});

test('an order is added with the price shown before saving', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  await page.getByRole('link', { name: 'Добавить заказ' }).click();
  await page.waitForURL('**/orders/new');
  await page.locator('#order-form input[type=search]').pressSequentially('Семен', { delay: 30 });
  await page.locator('#customer-results').getByText('Мария Семенова').waitFor();
  // Far in the future, so the workplace is free whatever the demo's dates.
  await fillDate(page, 'items.0.period.start_date', '2031-03-02');
  await fillDate(page, 'items.0.period.end_date', '2031-03-04');
  await page.waitForFunction(() => /\d/.test(document.querySelector('#quote').textContent));
  const quote = (await page.locator('#quote').textContent()).trim();
  assert.match(quote, /₽$/, quote);
  await screenshot(page, 'order-new-ru');
  await page.getByRole('button', { name: 'Создать заказ' }).click();
  // The seed's "Добавить заказ" lands on the new order's page.
  await page.waitForURL(/\/coworking\/orders\/\d+$/);
  assert.match(await page.locator('#customer-name').textContent(), /Мария Семенова/);
  assert.equal((await page.locator('#order-status').textContent()).trim(), 'Новый');
  assert.equal((await page.locator('#order-total').textContent()).trim(), quote);
  await page.locator('.order-tickets tbody a').first().click();
  await page.waitForURL('**/coworking/tickets/*');
  assert.match(await page.locator('#visitor-name').textContent(), /Мария Семенова/);
  assert.match(await page.locator('.kv').first().textContent(), /02\.03\.2031 - 04\.03\.2031/);
  assert.match(await page.locator('.kv').first().textContent(), new RegExp(quote.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s')));
  await page.context().close();
});

test('English and Bulgarian follow the browser, and the user can switch', async () => {
  const en = await signIn(browser, server.base, ...logins.rental, 'en-GB');
  assert.deepEqual(await en.locator('thead th').allTextContents(), ['Number', 'Rental period', 'Visitor', 'Status', 'Workplace']);
  assert.ok(await en.getByText('Add order').isVisible());
  await screenshot(en, 'coworking-list-en');
  await en.getByRole('link', { name: 'Български' }).click();
  await en.waitForLoadState();
  assert.ok(await en.getByText('Добави поръчка').isVisible());
  assert.equal(await en.locator('html').getAttribute('lang'), 'bg');
  await screenshot(en, 'coworking-list-bg');
  await en.context().close();
});
