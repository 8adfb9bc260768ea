// The design system's components, used as a person would: with the keyboard
// (open, move, Esc, focus back) in menus, the multi-select, dialogs, the
// date picker, the confirmation dialog and the phone's menu; and the errors
// a new user met, each kept from coming back: said once, at its field, in
// the page's language, gone when the field is fixed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, signIn, logins, phone, screenshot, fillDate, confirmInPage } from './harness.mjs';

let server; let browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  return e ? (e.id || e.getAttribute('aria-label') || e.textContent.trim()) : '';
});
const count = async (page, text) => (await page.locator('body').innerText()).split(text).length - 1;

test('the status multi-select and the ⋮ menu work from the keyboard and close on Esc or an outside click', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  const button = page.locator('#f-status-button');
  await button.focus();
  await page.keyboard.press('Enter');
  const list = page.locator('#f-status .multi-options');
  await list.waitFor();
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  // The first box has focus; arrows move; Space ticks.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('#f-status-summary').textContent.trim() === 'Подтвержден');
  // It stays inside the viewport.
  const box = await list.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 1280, JSON.stringify(box));
  await page.keyboard.press('Escape');
  assert.ok(await list.isHidden(), 'Esc closes it');
  assert.equal(await focused(page), 'f-status-button', 'focus is back on its button');
  await page.waitForFunction(() => [...document.querySelectorAll('#results tbody tr')].every((r) => r.textContent.includes('Подтвержден')));

  await button.click();
  await list.waitFor();
  await page.locator('h1').click();
  assert.ok(await list.isHidden(), 'an outside click closes it');

  const menuButton = page.locator('[data-menu="filters-menu"]');
  await menuButton.focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(page), 'reset-filter', 'the first item has focus');
  const menu = await page.locator('#filters-menu').boundingBox();
  assert.ok(menu.x >= 0 && menu.x + menu.width <= 1280, `the menu stays on screen: ${JSON.stringify(menu)}`);
  await page.keyboard.press('Escape');
  assert.ok(await page.locator('#filters-menu').isHidden());
  assert.equal(await page.evaluate(() => document.activeElement.dataset.menu), 'filters-menu');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#f-status-summary').textContent.trim() === '—');
  await page.context().close();
});

test('a dialog opens from the keyboard, Esc closes it and focus goes back to its button', async () => {
  const page = await signIn(browser, server.base, ...logins.events);
  await page.goto(server.base + '/admin/events/1');
  const opener = page.getByRole('button', { name: 'Календарь' });
  await opener.focus();
  await page.keyboard.press('Enter');
  const dialog = page.locator('#calendar-dialog');
  await dialog.waitFor();
  assert.ok(await page.evaluate(() => document.querySelector('#calendar-dialog').contains(document.activeElement)), 'focus is inside the dialog');
  await page.keyboard.press('Escape');
  assert.ok(await dialog.isHidden());
  await page.waitForFunction(() => document.activeElement?.textContent.trim() === 'Календарь', null, { timeout: 3000 });
  await page.context().close();
});

test('every dialog of the event, ticket and order pages opens from the keyboard and gives focus back on Esc', async () => {
  for (const [who, path] of [['events', '/admin/events/1'], ['rental', '/admin/coworking/tickets/34'], ['rental', '/admin/coworking/orders/1223'], ['admin', '/admin/people']]) {
    const page = await signIn(browser, server.base, ...logins[who]);
    await page.goto(server.base + path);
    const openers = await page.locator('main [data-open]:visible').count();
    assert.ok(openers > 0, path);
    for (let i = 0; i < openers; i++) {
      const opener = page.locator('main [data-open]:visible').nth(i);
      const id = await opener.getAttribute('data-open');
      await opener.focus();
      await page.keyboard.press('Enter');
      const dialog = page.locator('#' + id);
      await dialog.waitFor();
      assert.ok(await page.evaluate((d) => document.getElementById(d).contains(document.activeElement), id), `${path} ${id}: focus is inside`);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      // The dialog's close event (which gives focus back) comes a moment after it hides.
      await page.waitForFunction((d) => document.activeElement?.dataset.open === d, id, { timeout: 3000 })
        .catch(() => assert.fail(`${path} ${id}: focus is back on its button`));
    }
    await page.context().close();
  }
});

test('a date field shows the page\'s format, takes typing and the calendar, and sends ISO', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  await page.goto(server.base + '/admin/coworking/orders/new');
  const start = page.locator('#o-start-date');
  assert.equal(await start.getAttribute('placeholder'), 'ДД.ММ.ГГГГ');
  await start.fill('7.3.2031');
  await start.press('Tab');
  assert.equal(await start.inputValue(), '07.03.2031', 'shown as the pages show a day');
  assert.equal(await page.locator('input[type=hidden][name="items.0.period.start_date"]').inputValue(), '2031-03-07');
  // The calendar: Alt+↓ opens it on the day, arrows move, Enter picks, Esc is focus back.
  await start.focus();
  await page.keyboard.press('Alt+ArrowDown');
  const calendar = page.locator('.date-field:has(#o-start-date) .calendar');
  await calendar.waitFor();
  assert.match(await calendar.locator('strong').textContent(), /март 2031/i);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.ok(await calendar.isHidden());
  assert.equal(await start.inputValue(), '15.03.2031');
  assert.equal(await focused(page), 'o-start-date');
  await start.fill('31.02.2031');
  await start.press('Tab');
  assert.equal((await page.locator('[data-error-for="items[0].period.start_date"]').textContent()).trim(), 'Введите дату в формате ДД.ММ.ГГГГ или выберите её');
  await page.context().close();
});

test('the empty "Add order" in English says what is missing in English, once, at each field', async () => {
  const page = await signIn(browser, server.base, ...logins.rental, 'en-GB');
  await page.goto(server.base + '/admin/coworking/orders/new');
  await page.getByRole('button', { name: 'Create order' }).click();
  const summary = page.locator('#order-form .error-summary');
  await summary.waitFor();
  const text = await page.locator('main').innerText();
  assert.doesNotMatch(text, /missing field|line \d+ column|items\[0\]|customer_id/, text);
  assert.equal((await page.locator('[data-error-for="customer_id"]').textContent()).trim(), 'is required');
  assert.equal((await page.locator('[data-error-for="items[0].period"]').textContent()).trim(), 'is required');
  assert.equal(await count(page, 'is required'), 2, 'each message once');
  // The summary names the fields (a group by its legend), as links.
  const links = (await summary.locator('a').allTextContents()).map((s) => s.trim());
  assert.deepEqual(links, ['Customer', 'Rental period']);
  await summary.locator('a', { hasText: 'Rental period' }).click();
  assert.equal(await focused(page), 'o-start-date', 'the link goes to the period\'s first field');
  // With a customer and the days, the messages go and the next ones are said.
  await page.locator('input[type=search][data-user-search]').fill('Сем');
  await page.locator('#customer-results input').first().waitFor();
  assert.equal((await page.locator('[data-error-for="customer_id"]').textContent()).trim(), '');
  assert.equal(await page.locator('input[type=search][data-user-search]').getAttribute('aria-invalid'), null, 'the customer box is no longer marked');
  await screenshot(page, 'order-errors-en');
  await page.context().close();
});

test('an end date before the start names the end date and goes away when the dates are fixed', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  await page.goto(server.base + '/admin/coworking/orders/new');
  await page.locator('input[type=search][data-user-search]').fill('Семен');
  await page.locator('#customer-results input').first().waitFor();
  await fillDate(page, 'items.0.period.start_date', '2031-05-10');
  await fillDate(page, 'items.0.period.end_date', '2031-05-08');
  await page.getByRole('button', { name: 'Создать заказ' }).click();
  const slot = page.locator('[data-error-for="items[0].period.end_date"]');
  await slot.locator('text=/./').first().waitFor().catch(() => {});
  await page.waitForFunction(() => document.querySelector('[data-error-for="items[0].period.end_date"]').textContent.trim() !== '');
  assert.equal((await slot.textContent()).trim(), 'последний день не может быть раньше первого');
  assert.equal(await page.locator('#o-end-date').getAttribute('aria-invalid'), 'true');
  assert.deepEqual((await page.locator('.error-summary a').allTextContents()).map((s) => s.trim()), ['Дата окончания']);
  // Fixing the start date (not the end) also clears it: the two are judged together.
  await fillDate(page, 'items.0.period.start_date', '2031-05-01');
  assert.equal((await slot.textContent()).trim(), '');
  assert.equal(await page.locator('#o-end-date').getAttribute('aria-invalid'), null);
  assert.ok(await page.locator('#order-form .error-summary').isHidden(), 'the summary goes with its last error');
  // Whole days are priced by the day, and the form says so.
  await fillDate(page, 'items.0.period.end_date', '2031-05-03');
  await page.waitForFunction(() => document.querySelector('#quote').textContent.trim() === '4 500,00 ₽');
  assert.match(await page.locator('#quote-unit').textContent(), /Суточный — 1 500,00 ₽ \/ сутки/);
  await page.context().close();
});

test('the number filter\'s message is in the page\'s language, at the field, without its key', async () => {
  for (const [locale, message] of [['bg-BG', 'положително цяло число'], ['en-GB', 'a positive whole number'], ['ru-RU', 'положительное целое число']]) {
    const page = await signIn(browser, server.base, ...logins.rental, locale);
    await page.locator('#f-number').fill('abc');
    const slot = page.locator('[data-error-for="number"]');
    await page.waitForFunction(() => document.querySelector('[data-error-for="number"]').textContent.trim() !== '');
    assert.equal((await slot.textContent()).trim(), message);
    assert.equal(await page.locator('#f-number').getAttribute('aria-invalid'), 'true');
    assert.doesNotMatch(await page.locator('main').innerText(), /number:/);
    await page.locator('#f-number').fill('34');
    await page.waitForFunction(() => document.querySelectorAll('#results tbody tr').length === 1);
    assert.equal((await slot.textContent()).trim(), '');
    assert.equal(await page.locator('#f-number').getAttribute('aria-invalid'), null);
    await page.context().close();
  }
});

test('a dialog\'s error shows once, and a taken e-mail is said at the e-mail field', async () => {
  const events = await signIn(browser, server.base, ...logins.events);
  await events.goto(server.base + '/admin/events/1');
  await events.getByRole('button', { name: 'Изменить PAX' }).click();
  const pax = events.locator('#pax-dialog');
  await pax.locator('input[name=pax]').fill('0');
  await pax.getByRole('button', { name: 'Предпросмотр' }).click();
  await events.waitForFunction(() => document.querySelector('#pax-dialog [data-error-for=pax]').textContent.trim() !== '');
  const message = (await pax.locator('[data-error-for=pax]').textContent()).trim();
  assert.equal(message, 'PAX — целое число от 1 до 1 000 000');
  assert.equal((await pax.innerText()).split(message).length - 1, 1, 'said once');
  await pax.locator('input[name=pax]').fill('1.5');
  await pax.getByRole('button', { name: 'Предпросмотр' }).click();
  await events.waitForFunction(() => document.querySelector('#pax-dialog [data-error-for=pax]').textContent.trim() === 'нужно целое число');
  await events.context().close();

  const admin = await signIn(browser, server.base, ...logins.admin);
  await admin.goto(server.base + '/admin/people');
  await admin.getByRole('button', { name: 'Добавить пользователя' }).click();
  const dialog = admin.locator('#add-user-dialog');
  await dialog.locator('input[name=first_name]').fill('Дубль');
  await dialog.locator('input[name=last_name]').fill('Марины');
  await dialog.locator('input[name=email]').fill('marina@tessera.local');
  await dialog.locator('input[name=password]').fill('a-long-enough-secret');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await admin.waitForFunction(() => document.querySelector('#add-user-dialog [data-error-for=email]').textContent.trim() !== '');
  assert.equal(await dialog.locator('input[name=email]').getAttribute('aria-invalid'), 'true');
  assert.deepEqual((await dialog.locator('.error-summary a').allTextContents()).map((s) => s.trim()), ['Электронная почта']);
  await admin.context().close();
});

test('the confirmation dialog asks in the page, Esc says no, and focus goes back', async () => {
  const page = await signIn(browser, server.base, ...logins.admin);
  await page.goto(server.base + '/admin/people');
  await page.locator('#results a', { hasText: 'Анастасия' }).click();
  await page.waitForURL(/\/admin\/people\/\d+$/);
  const deactivate = page.getByRole('button', { name: 'Отключить' });
  let native = 0;
  page.on('dialog', (d) => { native += 1; d.dismiss(); });
  await deactivate.click();
  const dialog = page.locator('#confirm-dialog');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /Отключить/);
  await page.keyboard.press('Escape');
  assert.ok(await dialog.isHidden());
  await page.waitForFunction(() => document.activeElement?.textContent.trim() === 'Отключить', null, { timeout: 3000 });
  assert.equal((await page.locator('#person-state').textContent()).trim(), 'Активна');
  await deactivate.click();
  await confirmInPage(page);
  await page.waitForFunction(() => document.querySelector('#person-state').textContent.trim() === 'Отключена');
  await page.locator('.toast').waitFor();
  assert.equal(native, 0, 'the browser\'s own confirm() is never used');
  await page.context().close();
});

test('on a phone the menu is a button: it opens the sections, Esc closes it, focus goes back', async () => {
  const page = await signIn(browser, server.base, ...logins.rental, 'ru-RU', phone);
  const side = page.locator('#side');
  const inView = async () => (await side.boundingBox()).x >= 0;
  assert.equal(await inView(), false, 'the sections are out of the way');
  const toggle = page.locator('[data-side-toggle]');
  await toggle.click();
  await page.waitForFunction(() => document.querySelector('#side').getBoundingClientRect().x >= 0);
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await screenshot(page, 'menu-phone-ru');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.querySelector('#side').getBoundingClientRect().right <= 0);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.sideToggle !== undefined), true);
  await toggle.click();
  await page.getByRole('link', { name: 'Заказы' }).click();
  await page.waitForURL(/\/admin\/coworking\/orders$/);
  // The filter folds behind a button that counts what is set.
  const filterToggle = page.locator('.filters-toggle');
  assert.ok(await page.locator('#filters').isHidden());
  await filterToggle.click();
  await page.locator('#f-number').fill('1223');
  await page.waitForFunction(() => document.querySelector('.filters-toggle .count')?.textContent === '1');
  await page.context().close();
});

test('a preview says its dates as the page does, in English too', async () => {
  const page = await signIn(browser, server.base, ...logins.events, 'en-GB');
  await page.goto(server.base + '/admin/events/1');
  const shown = (await page.locator('tr[data-name="Техника"] td:nth-child(2)').textContent()).trim();
  assert.match(shown, /^[A-Z][a-z]{2} \d{1,2}, \d{4}$/, `the page's own format: ${shown}`);
  await page.getByRole('button', { name: 'Calendar' }).click();
  const dialog = page.locator('#calendar-dialog');
  const start = await dialog.locator('input[type=hidden][name=start_date]').inputValue();
  const moved = new Date(Date.parse(start + 'T00:00:00Z') + 5 * 86400000).toISOString().slice(0, 10);
  await fillDate(dialog, 'start_date', moved);
  assert.match(await dialog.locator('#cal-start').inputValue(), /^\d{2}\.\d{2}\.\d{4}$|^[A-Z][a-z]{2} \d{1,2}, \d{4}$/);
  await dialog.locator('#cal-start').press('Tab');
  assert.match(await dialog.locator('#cal-start').inputValue(), /^[A-Z][a-z]{2} \d{1,2}, \d{4}$/, 'the field shows the page\'s format once left');
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await dialog.locator('.preview li').first().waitFor();
  const plan = await dialog.locator('.preview').innerText();
  assert.ok(plan.includes(`Техника: ${shown} → `), plan);
  assert.match(plan, /Period: [A-Z][a-z]{2} \d{1,2}, \d{4} - [A-Z][a-z]{2} \d{1,2}, \d{4}/);
  assert.doesNotMatch(plan, /\d{2}\/\d{2}\/\d{4}/, 'no other format');
  await page.context().close();
});
