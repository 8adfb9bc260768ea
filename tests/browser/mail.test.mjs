// Mail in the browser: a rental manager confirms Мария's order on its page
// and the customer's mail arrives at a real SMTP server in her language; the
// admin sees it sent under Integrations, sends a test mail to herself and
// finds it; a server without SMTP says mail waits, and counts what waits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, signIn, screenshot, logins, phone } from './harness.mjs';

let withMail; let withoutMail; let browser;
before(async () => {
  [withMail, withoutMail] = await Promise.all([startServer({ mail: true }), startServer()]);
  browser = await startBrowser();
});
after(async () => { await browser?.close(); await withMail?.stop(); await withoutMail?.stop(); });

test('an order confirmed in the browser mails its customer; the admin sees it sent and tries the mail herself', async () => {
  const page = await signIn(browser, withMail.base, ...logins.rental);
  await page.goto(withMail.base + '/admin/coworking/orders/1223');
  const number = 1223;
  await page.locator('.actions-bar').getByRole('button', { name: 'Подтвердить заказ', exact: true }).click();
  await page.locator('dialog[open] button[type=submit]').click();
  await page.waitForFunction(() => document.querySelector('#order-status').textContent.trim() === 'Подтвержден');
  const mail = await withMail.mail((m) => m.subject === `Заказ ${number} подтвержден`);
  assert.match(mail.to, /koshatina77@mail\.ru/);
  assert.equal(mail.language, 'ru');
  assert.match(mail.text, /Здравствуйте, Мария!/);
  assert.match(mail.text, /Билет 34: \d\d\.\d\d\.\d{4} - \d\d\.\d\d\.\d{4}, RM №1 · Коворкинг на 2 этаже/);
  assert.match(mail.html, /Пропуск для входа/);
  await page.context().close();

  const admin = await signIn(browser, withMail.base, ...logins.admin);
  await admin.goto(withMail.base + '/admin/integrations');
  assert.equal(await admin.locator('#mail-off').count(), 0, 'mail is set up here');
  await admin.getByRole('button', { name: 'Отправить себе тестовое письмо' }).click();
  await admin.locator('#page-done').getByText('Тестовое письмо поставлено в очередь.').waitFor();
  const test = await withMail.mail((m) => m.subject === 'Проверка почты Tessera');
  assert.match(test.to, /admin@tessera\.local/);
  await admin.getByRole('link', { name: 'Все письма' }).click();
  await admin.waitForURL(/\/admin\/integrations\/mail$/);
  const subjects = await admin.locator('table.mails tbody td:nth-child(4)').allTextContents();
  assert.ok(subjects.includes(`Заказ ${number} подтвержден`), subjects.join(' | '));
  assert.ok(subjects.includes('Проверка почты Tessera'), subjects.join(' | '));
  const states = await admin.locator('table.mails tbody td:nth-child(5)').allTextContents();
  assert.ok(states.every((s) => s.trim() === 'Отправлено'), states.join(' | '));
  await screenshot(admin, 'integrations-mail-ru');
  await admin.context().close();
});

test('without SMTP the Integrations page says mail waits, and counts it; on a phone, in English', async () => {
  const admin = await signIn(browser, withoutMail.base, ...logins.admin, 'en-US', phone);
  await admin.goto(withoutMail.base + '/admin/integrations');
  const off = admin.locator('#mail-off');
  assert.match(await off.textContent(), /Mail is not set up/);
  assert.match(await off.textContent(), /TESSERA_SMTP_URL/);
  assert.equal((await admin.locator('#mail-waiting').textContent()).trim(), '0', 'the demo\'s past is not mailed');
  await admin.getByRole('button', { name: 'Send myself a test mail' }).click();
  await admin.locator('#page-done').getByText('The test mail is on its way.').waitFor();
  for (let i = 0; i < 50; i++) {
    await admin.reload();
    if ((await admin.locator('#mail-waiting').textContent()).trim() === '1') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal((await admin.locator('#mail-waiting').textContent()).trim(), '1');
  const width = await admin.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling (${width} px)`);
  await screenshot(admin, 'integrations-mail-off-phone-en');
  await admin.context().close();
});
