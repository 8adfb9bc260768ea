// Orders in the browser: the rental manager takes an order from "new" to
// validated and through payment, cancellation and refund, with nothing but
// the pages — on a desktop and on a 390 px phone, in Russian, Bulgarian and English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, signIn, screenshot, logins, phone, fillDate } from './harness.mjs';

let server; let browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const rows = (page) => page.locator('#results tbody tr');
const column = async (page, n) => (await rows(page).locator(`td:nth-child(${n})`).allTextContents()).map((s) => s.trim());

/** Adds an order through "Добавить заказ" for whole days; lands on its page and answers its number. */
async function addOrder(page, customerPrefix, customer, startDate, endDate) {
  await page.goto(server.base + '/admin/coworking/orders/new');
  await page.locator('#order-form input[type=search]').pressSequentially(customerPrefix, { delay: 30 });
  await page.locator('#customer-results').getByText(customer).waitFor();
  await fillDate(page, 'items.0.period.start_date', startDate);
  await fillDate(page, 'items.0.period.end_date', endDate);
  await page.waitForFunction(() => /\d/.test(document.querySelector('#quote').textContent));
  await page.locator('#order-form button[type=submit]').click();
  await page.waitForURL(/\/coworking\/orders\/\d+$/);
  return Number(page.url().split('/').pop());
}

/** Clicks a status button on the order page and confirms it in its dialog. */
async function move(page, button, comment) {
  await page.locator('.actions-bar').getByRole('button', { name: button, exact: true }).click();
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  if (comment) await dialog.locator('textarea[name=comment]').fill(comment);
  const before = await page.locator('#order-history li').count();
  await dialog.locator('button[type=submit]').click();
  await page.waitForFunction((n) => document.querySelectorAll('#order-history li').length === n + 1, before);
}

test('a new order is confirmed from its ticket page, then the ticket is validated', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  const number = await addOrder(page, 'Семен', 'Мария Семенова', '2032-01-12', '2032-01-13');
  await page.locator('.order-tickets tbody a').first().click();
  await page.waitForURL('**/coworking/tickets/*');
  assert.equal((await page.locator('#ticket-status').textContent()).trim(), 'Новый');
  assert.equal((await page.locator('#ticket-order').textContent()).trim(), `Заказ ${number}`, 'the ticket links its order');
  assert.equal(await page.getByRole('button', { name: 'Выполнить' }).count(), 0, 'a ticket of an unconfirmed order cannot be validated');
  await screenshot(page, 'ticket-confirm-order-ru');

  await page.locator('#confirm-order').getByRole('button', { name: 'Подтвердить заказ' }).click();
  const dialog = page.locator('dialog[open]');
  assert.match(await dialog.textContent(), new RegExp(`Заказ ${number}\\. Статус заказа станет: «Подтвержден»`));
  // "Отмена" asks nothing of the server.
  await dialog.getByRole('button', { name: 'Отмена' }).click();
  assert.equal((await page.locator('#ticket-status').textContent()).trim(), 'Новый');

  await page.locator('#confirm-order').getByRole('button', { name: 'Подтвердить заказ' }).click();
  await dialog.locator('button[type=submit]').click();
  await page.waitForFunction(() => document.querySelector('#ticket-status').textContent.trim() === 'Подтвержден');
  assert.equal(await page.locator('#confirm-order').count(), 0, 'once confirmed, it is not offered again');
  await page.getByRole('button', { name: 'Выполнить' }).click();
  await page.waitForFunction(() => document.querySelector('#checked-by').textContent.trim() !== '—');
  assert.equal((await page.locator('#checked-by').textContent()).trim(), 'Марина Спиридонова');

  await page.locator('#ticket-order').click();
  await page.waitForURL(`**/orders/${number}`);
  assert.equal((await page.locator('#order-status').textContent()).trim(), 'Подтвержден');
  const history = (await page.locator('#order-history li').allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
  assert.equal(history.length, 2, history.join(' | '));
  assert.match(history[1], /Новый → Подтвержден · Марина Спиридонова$/);
  await page.context().close();
});

test('an order goes through payment to confirmed, then cancelled, refund in progress and refunded, each step in its history', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  const number = await addOrder(page, 'Стол', 'Иван Столповский', '2032-02-02', '2032-02-03');
  const buttons = async () => (await page.locator('.actions-bar button').allTextContents()).map((s) => s.trim());
  assert.deepEqual(await buttons(), ['Принять оплату', 'Ожидает выставления счета', 'Счет выставлен', 'Подтвердить заказ', 'Отменить заказ']);
  await screenshot(page, 'order-ru');

  await move(page, 'Принять оплату', 'Оплата картой на стойке');
  assert.equal((await page.locator('#order-status').textContent()).trim(), 'Новый. В процессе оплаты');
  assert.deepEqual(await buttons(), ['Вернуть в «Новый»', 'Подтвердить заказ', 'Оплата не прошла', 'Отменить заказ']);
  await move(page, 'Подтвердить заказ');
  await move(page, 'Отменить заказ', 'Клиент передумал');
  assert.equal((await page.locator('#order-status').textContent()).trim(), 'Отменен');
  await move(page, 'Начать возврат');
  await move(page, 'Возврат выполнен', 'Возвращено 14.01');
  assert.equal((await page.locator('#order-status').textContent()).trim(), 'Отменен. Выполнен возврат');
  assert.deepEqual(await buttons(), [], 'a refunded order moves no further');
  assert.ok(await page.getByText('Статус этого заказа больше не меняется.').isVisible());

  const history = (await page.locator('#order-history li').allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
  const steps = history.map((h) => h.replace(/^\d\d\.\d\d\.\d{4} \d\d:\d\d /, ''));
  assert.deepEqual(steps, [
    'Новый · Марина Спиридонова',
    'Новый → Новый. В процессе оплаты · Марина Спиридонова — Оплата картой на стойке',
    'Новый. В процессе оплаты → Подтвержден · Марина Спиридонова',
    'Подтвержден → Отменен · Марина Спиридонова — Клиент передумал',
    'Отменен → Отменен. Выполняется возврат · Марина Спиридонова',
    'Отменен. Выполняется возврат → Отменен. Выполнен возврат · Марина Спиридонова — Возвращено 14.01',
  ]);
  assert.equal((await page.locator('.order-tickets .status').first().textContent()).trim(), 'Отменен', 'its ticket is cancelled');
  await screenshot(page, 'order-refunded-ru');
  await page.context().close();
});

test('an over-long comment is refused at its field and changes nothing', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  await addOrder(page, 'Семен', 'Мария Семенова', '2032-03-02', '2032-03-02');
  await page.locator('.actions-bar').getByRole('button', { name: 'Отменить заказ' }).click();
  const dialog = page.locator('dialog[open]');
  await dialog.locator('textarea[name=comment]').fill('х'.repeat(1001));
  await dialog.locator('button[type=submit]').click();
  const error = dialog.locator('[data-error-for=comment]');
  await page.waitForFunction(() => document.querySelector('dialog[open] [data-error-for=comment]').textContent.trim() !== '');
  assert.match(await error.textContent(), /1000/);
  assert.equal(await dialog.locator('textarea[name=comment]').getAttribute('aria-invalid'), 'true');
  await dialog.getByRole('button', { name: 'Отмена' }).click();
  await page.reload();
  assert.equal((await page.locator('#order-status').textContent()).trim(), 'Новый');
  assert.equal(await page.locator('#order-history li').count(), 1);
  await page.context().close();
});

test('the orders list filters by number, status, period and customer as the user types and clicks', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  const mine = await addOrder(page, 'Семен', 'Мария Семенова', '2033-05-10', '2033-05-11');
  await page.locator('#side').getByRole('link', { name: 'Заказы', exact: true }).click();
  await page.waitForURL(/\/admin\/coworking\/orders$/);
  assert.equal(await page.locator('nav.side a[aria-current=page]').textContent(), 'Заказы');
  assert.deepEqual(await page.locator('thead th').allTextContents(), ['Номер', 'Дата создания', 'Клиент', 'Статус', 'Сумма', 'Билеты']);
  const numbers = (await column(page, 1)).map(Number);
  assert.ok(numbers.length >= 5, `orders listed: ${numbers}`);
  assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), 'number descending');
  assert.equal(numbers[0], mine, 'the newest order first');
  await screenshot(page, 'orders-list-ru');

  await page.locator('#f-number').pressSequentially(String(mine), { delay: 30 });
  await page.waitForURL(new RegExp(`number=${mine}$`));
  assert.deepEqual((await column(page, 1)).map(Number), [mine]);
  await page.locator('button[data-reset="f-number"]').click();
  await page.waitForURL(/\/orders$/);

  await page.locator('#f-from').fill('2033-05-11');
  await page.waitForURL(/from=2033-05-11$/);
  assert.deepEqual((await column(page, 1)).map(Number), [mine], 'only orders with a ticket on or after that day');
  await page.locator('button[data-reset="f-from f-to"]').click();
  await page.waitForURL(/\/orders$/);

  await page.locator('#f-status-button').click();
  await page.getByLabel('Подтвержден', { exact: true }).check();
  await page.waitForURL(/status=confirmed$/);
  const statuses = new Set(await column(page, 4));
  assert.deepEqual([...statuses], ['Подтвержден']);
  await page.getByRole('checkbox', { name: 'Подтвержден', exact: true }).uncheck();
  await page.waitForURL(/\/orders$/);

  // A customer's name narrows the list to their orders; the chip's ✕ undoes it.
  await rows(page).first().locator('td:nth-child(3) a').click();
  await page.waitForURL(/customer_id=\d+$/);
  assert.match(await page.locator('#f-customer-chip').textContent(), /Мария Семенова/);
  const customers = new Set(await column(page, 3));
  assert.deepEqual([...customers], ['Мария Семенова']);
  await page.locator('#f-customer-chip button').click();
  await page.waitForURL(/\/orders$/);
  assert.equal(await page.locator('#f-customer-chip').count(), 0);
  assert.ok((await column(page, 3)).some((c) => c !== 'Мария Семенова'), 'other customers are back');

  // A bad number says so at its field, in the page's language, instead of an empty list.
  await page.goto(server.base + '/admin/coworking/orders?number=abc');
  assert.equal((await page.locator('[data-error-for=number]').textContent()).trim(), 'положительное целое число');
  assert.match(await page.locator('#results .empty-title').textContent(), /В фильтре ошибка/);
  await page.context().close();
});

test('on a phone, in Bulgarian and English: the list reads as cards and the order page acts', async () => {
  for (const [locale, orders, confirm, newStatus] of [
    ['bg-BG', 'Поръчки', 'Потвърди поръчката', 'Потвърдена'],
    ['en-GB', 'Orders', 'Confirm the order', 'Confirmed'],
  ]) {
    const page = await signIn(browser, server.base, ...logins.rental, locale, phone);
    await page.goto(server.base + '/admin/coworking/orders');
    assert.equal((await page.locator('h1').textContent()).trim(), orders);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling on a phone (page is ${width} px wide)`);
    assert.equal(await page.locator('thead').isVisible(), false, 'rows are cards with their own labels');
    await screenshot(page, `orders-list-phone-${locale.slice(0, 2)}`);

    await addOrder(page, 'Семен', 'Мария Семенова', locale === 'bg-BG' ? '2034-01-02' : '2034-02-02', locale === 'bg-BG' ? '2034-01-02' : '2034-02-02');
    assert.ok(await page.locator('#order-total').isVisible());
    await page.locator('.actions-bar').getByRole('button', { name: confirm, exact: true }).click();
    await page.locator('dialog[open] button[type=submit]').click();
    await page.waitForFunction((s) => document.querySelector('#order-status').textContent.trim() === s, newStatus);
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(pageWidth <= 390, `the order page fits a phone (${pageWidth} px)`);
    await screenshot(page, `order-phone-${locale.slice(0, 2)}`);
    await page.context().close();
  }
});

test('an order form sent empty, in English, names each missing field once at its place and nothing else', async () => {
  const page = await signIn(browser, server.base, ...logins.rental, 'en-US');
  await page.goto(server.base + '/admin/coworking/orders/new');
  const before = (await page.evaluate(() => fetch('/api/v1/orders?limit=100').then((r) => r.json()))).items.length;
  await page.locator('#order-form button[type=submit]').click();
  const customer = page.locator('[data-error-for=customer_id]');
  await customer.filter({ hasText: /\S/ }).waitFor();
  const shown = await page.evaluate(() => [...document.querySelectorAll('#order-form [data-error-for]')]
    .filter((e) => e.textContent.trim()).map((e) => [e.dataset.errorFor, e.textContent.trim()]));
  assert.deepEqual(shown.map(([f]) => f).sort(), ['customer_id', 'items[0].period'].sort(), JSON.stringify(shown));
  for (const [, message] of shown) assert.equal(message, 'is required');
  const pageText = await page.locator('main').innerText();
  assert.doesNotMatch(pageText, /missing field|line \d+ column|`/, 'no parser text');
  assert.equal(pageText.split('is required').length - 1, 2, 'each message once');
  // Fixing a field takes its message away on the next try.
  await fillDate(page, 'items.0.period.start_date', '2030-01-10');
  await fillDate(page, 'items.0.period.end_date', '2030-01-12');
  await page.locator('#order-form button[type=submit]').click();
  await page.waitForFunction(() => document.querySelector('[data-error-for="items[0].period"]').textContent.trim() === '');
  assert.equal((await customer.textContent()).trim(), 'is required');
  const after = (await page.evaluate(() => fetch('/api/v1/orders?limit=100').then((r) => r.json()))).items.length;
  assert.equal(after, before, 'nothing was created');
  await page.context().close();
});
