// An event manager does the whole job by clicking: creates an event, puts a
// morning and an afternoon session in one hall, posts charges, opens a second
// folio, transfers and voids a charge, cancels an activity — in ru and bg,
// on a desktop and a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, startBrowser, signIn, screenshot, logins, phone, fillDate, fillTime, confirmInPage } from './harness.mjs';

let server; let browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const row = (page, kind, name) => page.locator(`tr[data-${kind}][data-name="${name}"]`);
const text = async (loc) => (await loc.textContent()).replace(/\s+/g, ' ').trim();

async function newEvent(page, name, day) {
  await page.getByRole('button', { name: /Новое мероприятие|Ново мероприятие/ }).click();
  const d = page.locator('#new-event-dialog');
  // The demo's hotel in Sofia has the hall.
  const hotel = await d.locator('option', { hasText: 'София' }).getAttribute('value');
  await d.locator('select[name=venue_id]').selectOption(hotel);
  await d.locator('input[name=name]').fill(name);
  await fillDate(d, 'start_date', day);
  await fillDate(d, 'end_date', day);
  await d.locator('input[name=pax]').fill('80');
  await d.locator('button[type=submit]').click();
  await page.waitForURL('**/admin/events/*');
}

async function addSession(page, name, day, start, end) {
  await page.locator('[data-open="add-activity-dialog"]').click();
  const d = page.locator('#add-activity-dialog');
  await d.locator('select[name=kind]').selectOption('hall');
  await d.locator('input[name=name]').fill(name);
  await fillDate(d, 'date', day);
  await fillTime(d, 'start_time', start);
  await fillTime(d, 'end_time', end);
  await d.locator('select[name=premises_id]').selectOption({ index: 1 });
  await d.locator('button[type=submit]').click();
  return d;
}

test('an event manager creates an event and runs it by clicking, in Russian', async () => {
  const page = await signIn(browser, server.base, ...logins.events);
  await newEvent(page, 'Весенний форум', '2031-06-10');
  assert.equal(await text(page.locator('h1')), 'Весенний форум');

  await addSession(page, 'Утренняя сессия', '2031-06-10', '09:00', '12:00');
  await row(page, 'activity', 'Утренняя сессия').waitFor();
  await addSession(page, 'Дневная сессия', '2031-06-10', '13:00', '17:00');
  await row(page, 'activity', 'Дневная сессия').waitFor();
  assert.match(await text(row(page, 'activity', 'Утренняя сессия')), /09:00–12:00/);
  assert.match(await text(row(page, 'activity', 'Дневная сессия')), /13:00–17:00/);

  // A third one overlapping both is refused in the dialog, in Russian, and nothing is added.
  const refused = await addSession(page, 'Лишняя', '2031-06-10', '11:00', '14:00');
  await refused.locator('.form-error:not([hidden])').waitFor();
  assert.match(await text(refused.locator('.form-error')), /Зал занят/);
  await refused.getByRole('button', { name: 'Отмена' }).click();
  assert.equal(await row(page, 'activity', 'Лишняя').count(), 0);

  // A charge through the morning session, and one straight on the folio.
  for (const [description, price, through] of [['Кофе-брейк', '5', 1], ['Аренда проектора', '120', 0]]) {
    await page.locator('[data-open="add-charge-dialog"]').first().click();
    const d = page.locator('#add-charge-dialog');
    await d.locator('input[name=description]').fill(description);
    await fillDate(d, 'service_date', '2031-06-10');
    await d.locator('input[name=unit_price]').fill(price);
    await d.locator('select[name=activity_id]').selectOption({ index: through });
    await d.locator('button[type=submit]').click();
    await row(page, 'charge', description).waitFor();
  }
  assert.match(await text(row(page, 'charge', 'Кофе-брейк')), /Утренняя сессия/);
  assert.match(await text(page.locator('.folio tfoot').first()), /10\s000,00/, '80 × 5 + 80 × 120');

  // A second, named folio; the projector moves there.
  await page.getByRole('button', { name: 'Добавить фолио' }).click();
  await page.locator('#add-folio-dialog input[name=name]').fill('Организатор');
  await page.locator('#add-folio-dialog button[type=submit]').click();
  await page.locator('.folio h2', { hasText: 'Организатор' }).waitFor();
  await row(page, 'charge', 'Аренда проектора').getByRole('button', { name: 'Перенести' }).click();
  const target = await page.locator('#transfer-dialog option', { hasText: 'Организатор' }).getAttribute('value');
  await page.locator('#transfer-dialog select[name=folio_id]').selectOption(target);
  await page.locator('#transfer-dialog button[type=submit]').click();
  await page.locator('.folio', { hasText: 'Организатор' }).locator('tr[data-name="Аренда проектора"]').waitFor();

  // Correct the coffee's price, then void it with a reason: it stays, greyed, with the reason.
  await row(page, 'charge', 'Кофе-брейк').getByRole('button', { name: 'Изменить' }).click();
  const edit = page.locator('#edit-charge-dialog');
  await edit.locator('input[name=unit_price]').fill('4.50');
  await edit.locator('button[type=submit]').click();
  await page.locator('tr[data-name="Кофе-брейк"]', { hasText: '360,00' }).waitFor();
  await row(page, 'charge', 'Кофе-брейк').getByRole('button', { name: 'Аннулировать' }).click();
  const voiding = page.locator('#void-dialog');
  await voiding.locator('button[type=submit]').click();
  await voiding.locator('[data-error-for=reason]', { hasText: /./ }).waitFor();
  await voiding.locator('textarea[name=reason]').fill('Заказчик отказался');
  await voiding.locator('button[type=submit]').click();
  await page.locator('tr.cancelled[data-name="Кофе-брейк"]').waitFor();
  assert.match(await text(row(page, 'charge', 'Кофе-брейк')), /Аннулировано\s*Заказчик отказался/);

  // PAX 80 → 90: the sessions at the default follow; then the whole event moves a day on,
  // its times with it.
  await page.getByRole('button', { name: 'Изменить PAX' }).click();
  const pax = page.locator('#pax-dialog');
  await pax.locator('input[name=pax]').fill('90');
  await pax.getByRole('button', { name: 'Предпросмотр' }).click();
  await pax.locator('.preview li', { hasText: 'Утренняя сессия' }).waitFor();
  await pax.getByRole('button', { name: 'Применить' }).click();
  await page.locator('#event-pax', { hasText: '90' }).waitFor();
  await page.getByRole('button', { name: 'Календарь' }).click();
  const cal = page.locator('#calendar-dialog');
  await fillDate(cal, 'start_date', '2031-06-11');
  await cal.getByRole('button', { name: 'Предпросмотр' }).click();
  await cal.locator('.preview li', { hasText: 'Дневная сессия' }).waitFor();
  await cal.getByRole('button', { name: 'Применить' }).click();
  await page.locator('#event-period', { hasText: '11.06.2031' }).waitFor();
  assert.match(await text(row(page, 'activity', 'Дневная сессия')), /11\.06\.2031.*13:00–17:00.*90/);

  // Cancelling the afternoon session: previewed, then applied; it stays, cancelled.
  await row(page, 'activity', 'Дневная сессия').getByRole('button', { name: 'Отменить активность' }).click();
  const cancel = page.locator('#cancel-activity-dialog');
  await cancel.getByRole('button', { name: 'Предпросмотр' }).click();
  await cancel.locator('.preview li.cancel', { hasText: 'Дневная сессия' }).waitFor();
  await screenshot(page, 'event-cancel-activity-ru');
  await cancel.getByRole('button', { name: 'Применить' }).click();
  await page.locator('tr.cancelled[data-name="Дневная сессия"]').waitFor();
  await screenshot(page, 'event-authored-ru');
  await page.context().close();
});

test('the authoring dialogs speak Bulgarian and fit a phone', async () => {
  const page = await signIn(browser, server.base, ...logins.events, 'bg-BG', phone);
  await newEvent(page, 'Пролетен форум', '2031-07-01');
  const d = await addSession(page, 'Сутрешна сесия', '2031-07-01', '12:00', '09:00');
  await d.locator('[data-error-for=end_time]', { hasText: /след началото/ }).waitFor();
  await screenshot(page, 'event-add-activity-bg-phone');
  await d.getByRole('button', { name: 'Отказ' }).click();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= page.viewportSize().width, `no sideways scroll: ${width}`);
  await page.context().close();
});

test('the event sheet prints on A4 with every activity, and the hall diary shows both sessions', async () => {
  const page = await signIn(browser, server.base, ...logins.events);
  await newEvent(page, 'Летний форум', '2031-08-05');
  await addSession(page, 'Открытие', '2031-08-05', '09:00', '12:00');
  await row(page, 'activity', 'Открытие').waitFor();
  await addSession(page, 'Секции', '2031-08-05', '13:00', '17:00');
  await row(page, 'activity', 'Секции').waitFor();
  const eventUrl = page.url();

  await page.getByRole('link', { name: 'Лист мероприятия' }).click();
  await page.waitForURL('**/sheet');
  assert.match(await text(page.locator('h1')), /Лист мероприятия: Летний форум/);
  await screenshot(page, 'event-sheet-ru');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('nav.side').isVisible(), false, 'no navigation on paper');
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  assert.equal(pdf.subarray(0, 4).toString(), '%PDF');
  const dir = mkdtempSync(join(tmpdir(), 'tessera-sheet-'));
  writeFileSync(join(dir, 'sheet.pdf'), pdf);
  const printed = execFileSync('pdftotext', ['-layout', join(dir, 'sheet.pdf'), '-'], { encoding: 'utf8' });
  for (const expected of ['Летний форум', 'Открытие', '09:00–12:00', 'Секции', '13:00–17:00', 'Зала за мероприятия']) {
    assert.ok(printed.includes(expected), `the printed sheet has ${expected}:\n${printed}`);
  }
  await page.emulateMedia({ media: 'screen' });

  // The diary: the week of 05.08.2031 in the hotel's halls; an activity opens its event.
  await page.goto(server.base + '/admin/events/diary?from=2031-08-05');
  const cells = page.locator('table.diary a.held', { hasText: 'Летний форум' });
  assert.equal(await cells.count(), 2);
  assert.match(await text(cells.first()), /09:00–12:00 Открытие/);
  await screenshot(page, 'hall-diary-ru');
  await cells.nth(1).click();
  await page.waitForURL(eventUrl);
  await page.context().close();
});

test('the hall diary fits a phone by scrolling inside its own box, in English', async () => {
  const page = await signIn(browser, server.base, ...logins.events, 'en-GB', phone);
  await page.goto(server.base + '/admin/events/diary');
  assert.equal(await text(page.locator('h1')), 'Hall diary');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= page.viewportSize().width, `no sideways scroll: ${width}`);
  await screenshot(page, 'hall-diary-phone-en');
  await page.context().close();
});

test('an event is renamed and its room blocks are added, resized and cancelled', async () => {
  const page = await signIn(browser, server.base, ...logins.events);
  await newEvent(page, 'Осенний форум', '2031-09-15');
  // Renaming is in the event's ⋮ menu, reached from the keyboard.
  await page.locator('[data-menu="event-menu"]').focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Переименовать');
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.menu), 'event-menu', 'Esc gives focus back to the ⋮ button');
  await page.locator('[data-menu="event-menu"]').click();
  await page.getByRole('menuitem', { name: 'Переименовать' }).click();
  const rename = page.locator('#rename-dialog');
  await rename.locator('input[name=name]').fill('  ');
  await rename.locator('button[type=submit]').click();
  await rename.locator('[data-error-for=name]', { hasText: /./ }).waitFor();
  await rename.locator('input[name=name]').fill('Осенний форум 2031');
  await rename.locator('button[type=submit]').click();
  await page.locator('h1', { hasText: 'Осенний форум 2031' }).waitFor();

  await page.getByRole('button', { name: 'Добавить блок' }).click();
  const add = page.locator('#add-block-dialog');
  await add.locator('input[name=name]').fill('Делегаты');
  await add.locator('input[name=rooms]').fill('25');
  await add.locator('button[type=submit]').click();
  await row(page, 'block', 'Делегаты').waitFor();
  await row(page, 'block', 'Делегаты').getByRole('button', { name: 'Изменить' }).click();
  await page.locator('#edit-block-dialog input[name=rooms]').fill('30');
  await page.locator('#edit-block-dialog button[type=submit]').click();
  await page.locator('tr[data-name="Делегаты"] td:nth-child(2)', { hasText: '30' }).waitFor();
  await row(page, 'block', 'Делегаты').getByRole('button', { name: 'Отменить блок' }).click();
  await confirmInPage(page);
  await page.locator('tr.cancelled[data-name="Делегаты"]').waitFor();
  assert.match(await text(row(page, 'block', 'Делегаты')), /Отменено/);
  await page.context().close();
});
