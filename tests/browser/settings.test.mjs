// Settings in the browser: the admin sets up a venue from nothing (premises
// with directions, workplaces, a tariff, a variant, a modifier), a manager
// books with it, a new price leaves that order as it was, and an archived
// workplace is offered no more.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, signIn, screenshot, logins, phone, fillDate } from './harness.mjs';

let server; let browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** Submits an inline add form and waits for the page to show the new row (a selector). */
async function add(page, form, values, shows) {
  for (const [name, value] of Object.entries(values)) {
    const el = form.locator(`[name="${name}"]`);
    if (await el.evaluate((e) => e.tagName) === 'SELECT') await el.selectOption(value); else await el.fill(value);
  }
  await form.getByRole('button', { name: 'Добавить' }).click();
  await page.locator(shows).first().waitFor();
}

test('the admin sets up a venue, a manager books with it, a new price leaves the order, an archived workplace is not offered', async () => {
  const admin = await signIn(browser, server.base, ...logins.admin);
  await admin.getByRole('link', { name: 'Настройки', exact: true }).click();
  await admin.waitForURL(/\/admin\/settings$/);
  await admin.getByRole('button', { name: 'Добавить площадку' }).click();
  const dialog = admin.locator('#venue-add');
  await dialog.locator('input[name=name]').fill('БЦ Витоша');
  await dialog.locator('input[name=time_zone]').fill('Europe/Sofia');
  await dialog.locator('input[name=currency]').fill('bgn');
  await dialog.locator('select[name=locale]').selectOption('bg');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await admin.waitForURL(/\/admin\/settings\/venues\/\d+$/);
  assert.match(await admin.locator('.page-head .muted').textContent(), /Europe\/Sofia · BGN · Български/);

  await add(admin, admin.locator('#premises-add'), { name: 'Коворкинг Витоша', kind: 'coworking', directions: '3 этаж, у окна' }, '[data-premises="Коворкинг Витоша"]');
  const block = admin.locator('[data-premises="Коворкинг Витоша"]');
  assert.equal((await block.locator('.directions').textContent()).trim(), '3 этаж, у окна');
  await add(admin, block.locator('form.inline-add'), { name: 'В-1' }, '[data-workplace="В-1"]');
  await add(admin, admin.locator('[data-premises="Коворкинг Витоша"] form.inline-add'), { name: 'В-2' }, '[data-workplace="В-2"]');

  // A price that is not one is refused at its field, and nothing is added.
  const tariffForm = admin.locator('#tariff-add');
  await tariffForm.locator('input[name=name]').fill('Дневен');
  await tariffForm.locator('input[name=price]').fill('двадцать');
  await tariffForm.getByRole('button', { name: 'Добавить' }).click();
  await admin.waitForFunction(() => document.querySelector('#tariff-add [data-error-for=price]').textContent.trim() !== '');
  assert.equal(await admin.locator('[data-tariff]').count(), 0);
  await add(admin, admin.locator('#tariff-add'), { name: 'Дневен', price: '20', unit: 'day' }, '[data-tariff="Дневен"]');
  await add(admin, admin.locator('#variant-add'), { name: 'Стандарт' }, '[data-variant="Стандарт"]');
  await add(admin, admin.locator('#modifier-add'), { name: 'Шкафче', price: '5' }, '[data-modifier="Шкафче"]');
  await screenshot(admin, 'settings-venue-ru');

  // The manager books with what the admin set up.
  const manager = await signIn(browser, server.base, ...logins.rental);
  await manager.goto(server.base + '/admin/coworking/orders/new');
  await manager.locator('#order-form input[type=search]').pressSequentially('Семен', { delay: 30 });
  await manager.locator('#customer-results').getByText('Мария Семенова').waitFor();
  await manager.locator('#o-premises').selectOption({ label: 'Коворкинг Витоша' });
  await manager.locator('#o-workplace').selectOption({ label: 'В-1' });
  const tariffSelect = manager.locator('select[name="items.0.tariff_id"]');
  await tariffSelect.selectOption(await tariffSelect.locator('option', { hasText: 'Дневен' }).getAttribute('value'));
  await manager.locator('select[name="items.0.service_variant_id"]').selectOption({ label: 'Стандарт' });
  await manager.getByLabel(/Шкафче/).check();
  await fillDate(manager, 'items.0.period.start_date', '2035-06-01');
  await fillDate(manager, 'items.0.period.end_date', '2035-06-02');
  await manager.waitForFunction(() => /\d/.test(document.querySelector('#quote').textContent));
  const quote = (await manager.locator('#quote').textContent()).trim();
  await manager.locator('#order-form button[type=submit]').click();
  await manager.waitForURL(/\/coworking\/orders\/\d+$/);
  const orderUrl = manager.url();
  const total = (await manager.locator('#order-total').textContent()).trim();
  assert.equal(total, quote);
  assert.match(total, /45,00/, '2 days × 20, and the locker once');

  // A new price: the order keeps its total.
  const tariffRow = admin.locator('[data-tariff="Дневен"]');
  await tariffRow.getByRole('button', { name: 'Изменить' }).click();
  const edit = admin.locator('#tariff-edit');
  assert.equal(await edit.locator('input[name=price]').inputValue(), '20.00', 'the dialog starts with the current price');
  await edit.locator('input[name=price]').fill('35');
  await edit.getByRole('button', { name: 'Сохранить' }).click();
  await admin.waitForFunction(() => /35,00/.test(document.querySelector('[data-tariff="Дневен"]').textContent));
  await manager.goto(orderUrl);
  assert.equal((await manager.locator('#order-total').textContent()).trim(), total, 'the order keeps the price it was made with');

  // An archived workplace is offered no more; restoring brings it back.
  await admin.locator('[data-workplace="В-2"]').getByRole('button', { name: 'В архив' }).click();
  await admin.waitForFunction(() => !document.querySelector('[data-workplace="В-2"]'));
  await manager.goto(server.base + '/admin/coworking/orders/new');
  const offered = await manager.locator('#o-workplace option').allTextContents();
  assert.ok(offered.includes('В-1') && !offered.includes('В-2'), offered.join(', '));
  await admin.getByRole('link', { name: 'Показать архив' }).click();
  await admin.locator('[data-workplace="В-2"]').getByRole('button', { name: 'Вернуть из архива' }).click();
  await admin.waitForFunction(() => !document.querySelector('[data-workplace="В-2"].archived'));
  await manager.reload();
  assert.ok((await manager.locator('#o-workplace option').allTextContents()).includes('В-2'));

  // A workplace held by the order's ticket stays, and the refusal names it.
  await admin.locator('[data-workplace="В-1"]').getByRole('button', { name: 'В архив' }).click();
  await admin.locator('#page-error').waitFor();
  assert.match(await admin.locator('#page-error').textContent(), /Нельзя убрать в архив: место занято билетами \d+/);
  await manager.context().close();
  await admin.context().close();
});

test('a rental manager has no settings; on a phone the venue page fits, in English', async () => {
  const manager = await signIn(browser, server.base, ...logins.rental);
  assert.equal(await manager.getByRole('link', { name: 'Настройки', exact: true }).count(), 0);
  assert.equal((await manager.goto(server.base + '/admin/settings')).status(), 403);
  await manager.context().close();

  const page = await signIn(browser, server.base, ...logins.admin, 'en-GB', phone);
  await page.goto(server.base + '/admin/settings');
  assert.equal((await page.locator('h1').textContent()).trim(), 'Venues');
  await page.locator('table.venues tbody a').first().click();
  await page.waitForURL(/\/admin\/settings\/venues\/\d+$/);
  assert.ok(await page.getByRole('heading', { name: 'Tariffs' }).isVisible());
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling (${width} px)`);
  await screenshot(page, 'settings-venue-phone-en');
  await page.context().close();
});
