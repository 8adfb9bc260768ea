// The event manager's changes in the browser: the Bulgarian page's PAX and
// date changes, previewed and applied, against the real server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, signIn, screenshot, logins, fillDate, confirmInPage } from './harness.mjs';

let server; let browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

async function openEvent(locale = 'ru-RU') {
  const page = await signIn(browser, server.base, ...logins.events, locale);
  assert.ok(page.url().endsWith('/admin/events'), page.url());
  await page.locator('table.events a').first().click();
  await page.waitForURL('**/admin/events/*');
  return page;
}
const cell = (page, kind, name, n) => page.locator(`tr[data-${kind}][data-name="${name}"] td:nth-child(${n})`);
const text = async (loc) => (await loc.textContent()).trim();
const shift = (ddmmyyyy, days) => {
  const [d, m, y] = ddmmyyyy.split('.').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return [t.getUTCDate(), t.getUTCMonth() + 1].map((n) => String(n).padStart(2, '0')).join('.') + '.' + t.getUTCFullYear();
};
const iso = (ddmmyyyy) => ddmmyyyy.split('.').reverse().join('-');

test('a rental manager is kept out of events', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  assert.equal((await page.goto(server.base + '/admin/events')).status(), 403);
  await page.context().close();
});

test('PAX: activities at the default PAX are pre-filled, others left empty; overridden values win; charges follow', async () => {
  const page = await openEvent();
  await screenshot(page, 'event-ru');
  // The seed's second case: the catering is not for every guest (80 of 100).
  await cell(page, 'activity', 'Кетъринг', 7).getByRole('button', { name: 'Изменить' }).click();
  const act = page.locator('#activity-dialog');
  await act.locator('input[name=pax]').fill('80');
  await act.getByRole('button', { name: 'Предпросмотр' }).click();
  await act.locator('.preview li').first().waitFor();
  assert.match(await act.locator('.preview').textContent(), /PAX 100 → 80/);
  assert.match(await act.locator('.preview').textContent(), /Обяд: 100 → 80/);
  await act.getByRole('button', { name: 'Применить' }).click();
  await page.waitForFunction(() => document.querySelector('tr[data-name="Кетъринг"] .pax').textContent.trim() === '80');
  assert.equal(await text(cell(page, 'charge', 'Обяд', 3)), '80');

  await page.getByRole('button', { name: 'Изменить PAX' }).click();
  const dialog = page.locator('#pax-dialog');
  await dialog.locator('input[name=pax]').fill('110');
  const hall = dialog.getByLabel('Новый PAX: Зала за мероприятия');
  const catering = dialog.getByLabel('Новый PAX: Кетъринг');
  assert.equal(await hall.inputValue(), '110', 'the hall was at the default PAX: pre-filled');
  assert.equal(await catering.inputValue(), '', 'the catering was not: left empty');
  await dialog.getByRole('button', { name: 'Предпросмотр' }).click();
  await dialog.locator('.preview li').first().waitFor();
  const plan = await dialog.locator('.preview').textContent();
  assert.match(plan, /Наем на зала: 100 → 110/);
  assert.doesNotMatch(plan, /Обяд/, 'the catering keeps 80, and so do its charges');
  await screenshot(page, 'event-pax-preview-ru');

  // Override the catering too: a typed value wins; the preview must be redone.
  await catering.fill('90');
  assert.ok(await dialog.getByRole('button', { name: 'Применить' }).isDisabled());
  await dialog.getByRole('button', { name: 'Предпросмотр' }).click();
  await dialog.locator('.preview li', { hasText: 'Обяд' }).waitFor();
  await dialog.getByRole('button', { name: 'Применить' }).click();
  await page.waitForFunction(() => document.querySelector('#event-pax').textContent.trim() === '110');
  assert.equal(await text(cell(page, 'activity', 'Зала за мероприятия', 5)), '110');
  assert.equal(await text(cell(page, 'activity', 'Кетъринг', 5)), '90');
  assert.equal(await text(cell(page, 'charge', 'Наем на зала', 3)), '110');
  assert.equal(await text(cell(page, 'charge', 'Техника', 3)), '110');
  assert.equal(await text(cell(page, 'charge', 'Обяд', 3)), '90');
  await page.context().close();
});

test('Move: after a preview, every charge date shifts with the new arrival day', async () => {
  const page = await openEvent();
  const period = await text(page.locator('#event-period'));
  const start = period.split(' - ')[0];
  const before = {};
  for (const name of ['Наем на зала', 'Техника', 'Кафе-пауза', 'Обяд']) before[name] = await text(cell(page, 'charge', name, 2));
  const hallDay = await text(cell(page, 'activity', 'Зала за мероприятия', 3));

  await page.getByRole('button', { name: 'Календарь' }).click();
  const dialog = page.locator('#calendar-dialog');
  await dialog.getByLabel('Перенести').check();
  assert.ok(await dialog.locator('input[name=end_date]').isDisabled(), 'a move takes only the arrival day');
  await fillDate(dialog, 'start_date', iso(shift(start, 5)));
  await dialog.getByRole('button', { name: 'Предпросмотр' }).click();
  await dialog.locator('.preview li').first().waitFor();
  const plan = await dialog.locator('.preview').textContent();
  assert.match(plan, new RegExp(`Техника: ${before['Техника'].replace(/\./g, '\\.')} → ${shift(before['Техника'], 5).replace(/\./g, '\\.')}`));
  await screenshot(page, 'event-move-preview-ru');
  await dialog.getByRole('button', { name: 'Применить' }).click();
  await page.waitForFunction((s) => document.querySelector('#event-period').textContent.startsWith(s), shift(start, 5));
  for (const [name, day] of Object.entries(before)) {
    assert.equal(await text(cell(page, 'charge', name, 2)), shift(day, 5), name);
  }
  assert.equal(await text(cell(page, 'activity', 'Зала за мероприятия', 3)), shift(hallDay, 5));
  assert.match(await text(page.locator('#blocks td.date')), new RegExp('^' + shift(start, 5).replace(/\./g, '\\.')));
  await page.context().close();
});

test('Shorten cancels what falls outside, and a closed folio keeps its charges as they are', async () => {
  const page = await openEvent();
  const [start, end] = (await text(page.locator('#event-period'))).split(' - ');
  await page.getByRole('button', { name: 'Календарь' }).click();
  const dialog = page.locator('#calendar-dialog');
  await dialog.getByLabel('Сократить период').check();
  await fillDate(dialog, 'start_date', iso(start));
  await fillDate(dialog, 'end_date', iso(shift(end, -1)));
  await dialog.getByRole('button', { name: 'Предпросмотр' }).click();
  await dialog.locator('.preview li.cancel').first().waitFor();
  assert.match(await dialog.locator('.preview').textContent(), /Техника.*будет отменено/);
  await dialog.getByRole('button', { name: 'Отмена' }).click();

  await page.getByRole('button', { name: 'Закрыть фолио' }).first().click();
  await confirmInPage(page);
  await page.locator('.folio-head .status', { hasText: 'Закрыто' }).waitFor();
  await page.getByRole('button', { name: 'Календарь' }).click();
  await dialog.getByLabel('Сократить период').check();
  await fillDate(dialog, 'start_date', iso(start));
  await fillDate(dialog, 'end_date', iso(shift(end, -1)));
  await dialog.getByRole('button', { name: 'Предпросмотр' }).click();
  // A closed folio no longer blocks the change: its charges stay as they are, listed.
  await dialog.locator('.preview li.kept').first().waitFor();
  assert.match(await dialog.locator('.preview li.kept', { hasText: 'Техника' }).textContent(), /остаётся как есть: Фолио \d+ закрыто/);
  assert.equal(await dialog.locator('.preview li.cancel', { hasText: 'Техника' }).count(), 0);
  await screenshot(page, 'event-preview-kept');
  await dialog.getByRole('button', { name: 'Применить' }).click();
  await page.locator('#event-period', { hasText: shift(end, -1) }).waitFor();
  assert.equal(await page.locator('tr[data-name="Техника"].cancelled').count(), 0, 'the closed folio\'s charge stays active');
  await page.context().close();
});

test('the event page speaks Bulgarian', async () => {
  const page = await openEvent('bg-BG');
  assert.ok(await page.getByRole('button', { name: 'Промяна на PAX' }).isVisible());
  await page.getByRole('button', { name: 'Календар' }).click();
  for (const mode of ['Премести', 'Удължи период', 'Скъси период', 'Само период']) {
    assert.ok(await page.locator('#calendar-dialog').getByText(mode, { exact: true }).isVisible(), mode);
  }
  await screenshot(page, 'event-calendar-bg');
  await page.context().close();
});
