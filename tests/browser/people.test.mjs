// People in the browser: the admin finds, adds, edits and deactivates users
// (whose open session ends on their next click), a rental manager edits a
// visitor's contact data only, and everybody changes their own password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, signIn, screenshot, logins, phone, confirmInPage } from './harness.mjs';

let server; let browser;
before(async () => { server = await startServer({ mail: true }); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const rows = (page) => page.locator('#results tbody tr');
const column = async (page, n) => (await rows(page).locator(`td:nth-child(${n})`).allTextContents()).map((s) => s.trim());

/** The admin adds a user through the dialog; lands on their page. */
async function addUser(page, first, last, email, role, password) {
  await page.goto(server.base + '/admin/people');
  await page.getByRole('button', { name: 'Добавить пользователя' }).click();
  const dialog = page.locator('#add-user-dialog');
  await dialog.locator('input[name=first_name]').fill(first);
  await dialog.locator('input[name=last_name]').fill(last);
  await dialog.locator('input[name=email]').fill(email);
  await dialog.locator('select[name=role]').selectOption(role);
  await dialog.locator('input[name=password]').fill(password);
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await page.waitForURL(/\/admin\/people\/\d+$/);
}

test('the admin finds people by part of a name and filters by role', async () => {
  const page = await signIn(browser, server.base, ...logins.admin);
  await page.getByRole('link', { name: 'Пользователи', exact: true }).click();
  await page.waitForURL(/\/admin\/people$/);
  await screenshot(page, 'people-ru');
  await page.locator('#f-search').pressSequentially('мар', { delay: 30 });
  await page.waitForURL(/search=%D0%BC%D0%B0%D1%80$/);
  const names = await column(page, 1);
  assert.ok(names.length >= 2 && names.every((n) => /^Мар/.test(n)), names.join(', '));
  await page.locator('#f-role').selectOption('visitor');
  await page.waitForURL(/role=visitor$/);
  assert.ok((await column(page, 4)).every((r) => r === 'Посетитель'));
  assert.ok(!(await column(page, 1)).includes('Марина Спиридонова'), 'the rental manager is filtered out');
  await page.context().close();
});

test('a bad e-mail is flagged at its field; the admin adds a manager, edits her phone and deactivates her: her open session ends on the next click', async () => {
  const admin = await signIn(browser, server.base, ...logins.admin);
  await admin.goto(server.base + '/admin/people');
  await admin.getByRole('button', { name: 'Добавить пользователя' }).click();
  const dialog = admin.locator('#add-user-dialog');
  await dialog.locator('input[name=first_name]').fill('Ольга');
  await dialog.locator('input[name=last_name]').fill('Новикова');
  await dialog.locator('input[name=email]').fill('not-an-email');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await admin.waitForFunction(() => document.querySelector('#add-user-dialog [data-error-for=email]').textContent.trim() !== '');
  assert.equal((await dialog.locator('[data-error-for=email]').textContent()).trim(), 'это не адрес электронной почты');
  await dialog.getByRole('button', { name: 'Отмена' }).click();

  const email = `olga.${Date.now()}@tessera.local`;
  await addUser(admin, 'Ольга', 'Новикова', email, 'rental_manager', 'olga-long-password');
  assert.equal((await admin.locator('#person-name').textContent()).trim(), 'Ольга Новикова');

  const olga = await signIn(browser, server.base, email, 'olga-long-password');
  assert.ok(olga.url().endsWith('/admin/coworking'), olga.url());

  // An edit: the phone, saved through the API.
  await admin.locator('#person-form input[name=phone]').fill('+7 (900) 123-45-67');
  await admin.locator('#person-form').getByRole('button', { name: 'Сохранить' }).click();
  await admin.waitForLoadState('load');
  await admin.waitForFunction(() => document.querySelector('#person-form input[name=phone]').value === '+7 (900) 123-45-67');

  await admin.getByRole('button', { name: 'Отключить' }).click();
  await confirmInPage(admin);
  await admin.waitForFunction(() => document.querySelector('#person-state').textContent.trim() === 'Отключена');
  await screenshot(admin, 'person-deactivated-ru');

  // Her page is still open: the next click signs her out.
  await olga.getByRole('link', { name: 'Заказы', exact: true }).click();
  await olga.waitForURL(/\/login/);
  assert.ok(await olga.locator('input[name=password]').isVisible());
  await olga.context().close();

  const again = await signIn(browser, server.base, email, 'olga-long-password');
  assert.match(await again.locator('[role=alert]').textContent(), /Неверная электронная почта или пароль/, 'as for a wrong password');
  await again.context().close();

  await admin.getByRole('button', { name: 'Включить снова' }).click();
  await admin.waitForFunction(() => document.querySelector('#person-state').textContent.trim() === 'Активна');
  const back = await signIn(browser, server.base, email, 'olga-long-password');
  assert.ok(back.url().endsWith('/admin/coworking'));
  await back.context().close();
  await admin.context().close();
});

test('the last admin cannot deactivate herself, and says why', async () => {
  const page = await signIn(browser, server.base, ...logins.admin);
  await page.goto(server.base + '/admin/people?search=admin%40tessera');
  await rows(page).first().locator('a').click();
  await page.waitForURL(/\/admin\/people\/\d+$/);
  await page.getByRole('button', { name: 'Отключить' }).click();
  await confirmInPage(page);
  await page.locator('#page-error').waitFor();
  assert.match(await page.locator('#page-error').textContent(), /последнего активного администратора/);
  assert.equal((await page.locator('#person-state').textContent()).trim(), 'Активна');
  await page.context().close();
});

test('a rental manager edits a visitor\'s contact data, and nothing of an admin', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  await page.goto(server.base + '/admin/people?search=koshatina');
  await rows(page).first().locator('a').click();
  await page.waitForURL(/\/admin\/people\/\d+$/);
  assert.ok(await page.getByText('Вы можете изменить только контактные данные посетителя.').isVisible());
  assert.equal(await page.locator('#person-form select[name=role]').count(), 0, 'no role to change');
  assert.equal(await page.getByRole('button', { name: 'Отключить' }).count(), 0);
  await page.locator('#person-form input[name=phone]').fill('+7 (965) 000-11-22');
  await page.locator('#person-form').getByRole('button', { name: 'Сохранить' }).click();
  await page.waitForFunction(() => document.querySelector('#person-form input[name=phone]').value === '+7 (965) 000-11-22');
  await screenshot(page, 'person-visitor-ru');

  await page.goto(server.base + '/admin/people?search=admin%40tessera');
  await rows(page).first().locator('a').click();
  await page.waitForURL(/\/admin\/people\/\d+$/);
  assert.ok(await page.getByText('Эту учётную запись изменяет администратор.').isVisible());
  assert.equal(await page.locator('#person-form').count(), 0);
  await page.context().close();
});

test('a user changes their password on their profile; a wrong current one is flagged', async () => {
  const admin = await signIn(browser, server.base, ...logins.admin);
  const email = `ivan.${Date.now()}@tessera.local`;
  await addUser(admin, 'Иван', 'Петров', email, 'event_manager', 'ivan-first-password');
  await admin.context().close();

  const page = await signIn(browser, server.base, email, 'ivan-first-password');
  await page.locator('#profile-link').click();
  await page.waitForURL(/\/admin\/profile$/);
  const form = page.locator('#password-form');
  await form.locator('input[name=current_password]').fill('not my password');
  await form.locator('input[name=new_password]').fill('ivan-second-password');
  await form.getByRole('button', { name: 'Сменить пароль' }).click();
  await page.waitForFunction(() => document.querySelector('[data-error-for=current_password]').textContent.trim() !== '');
  assert.equal((await form.locator('[data-error-for=current_password]').textContent()).trim(), 'это не ваш текущий пароль');

  await form.locator('input[name=current_password]').fill('ivan-first-password');
  await form.getByRole('button', { name: 'Сменить пароль' }).click();
  await form.getByText('Пароль изменён.').waitFor();
  assert.equal(await form.locator('input[name=new_password]').inputValue(), '', 'the typed password is not left on the page');
  await screenshot(page, 'profile-ru');

  // The language of e-mails, kept on the account.
  await page.locator('#locale-form').getByLabel('English').check();
  await page.locator('#locale-form').getByRole('button', { name: 'Сохранить' }).click();
  await page.locator('#locale-form').getByText('Сохранено.').waitFor();
  await page.reload();
  assert.ok(await page.locator('#locale-form').getByLabel('English').isChecked());
  await page.context().close();

  const old = await signIn(browser, server.base, email, 'ivan-first-password');
  assert.ok(old.url().endsWith('/login'));
  await old.context().close();
  const fresh = await signIn(browser, server.base, email, 'ivan-second-password');
  assert.ok(fresh.url().endsWith('/admin/events'), fresh.url());
  await fresh.context().close();
});

test('on a phone, in English and Bulgarian, the people list reads as cards', async () => {
  for (const [locale, title, deactivate] of [['en-GB', 'People', 'Deactivate'], ['bg-BG', 'Потребители', 'Деактивирай']]) {
    const page = await signIn(browser, server.base, ...logins.admin, locale, phone);
    await page.goto(server.base + '/admin/people');
    assert.equal((await page.locator('h1').textContent()).trim(), title);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling (${width} px)`);
    await screenshot(page, `people-phone-${locale.slice(0, 2)}`);
    await rows(page).first().locator('a').first().click();
    await page.waitForURL(/\/admin\/people\/\d+$/);
    assert.ok(await page.getByRole('button', { name: deactivate }).isVisible());
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390);
    await page.context().close();
  }
});

test('a forgotten password: the mailed link sets a new one once', async () => {
  const admin = await signIn(browser, server.base, ...logins.admin);
  const email = `vera.${Date.now()}@tessera.local`;
  await addUser(admin, 'Вера', 'Забытова', email, 'rental_manager', 'vera-old-password');
  await admin.context().close();

  const context = await browser.newContext({ locale: 'ru-RU' });
  const page = await context.newPage();
  await page.goto(server.base + '/login');
  await page.getByRole('link', { name: 'Забыли пароль?' }).click();
  await page.waitForURL(/\/password-reset$/);
  await page.locator('#reset-request input[name=email]').fill(email);
  await page.getByRole('button', { name: 'Получить ссылку' }).click();
  await page.getByText('Если такой адрес зарегистрирован, ссылка уже в пути.', { exact: false }).waitFor();
  await screenshot(page, 'password-reset-ru');

  const mail = await server.mail((m) => m.to.includes(email));
  assert.equal(mail.subject, 'Смена пароля в Tessera');
  assert.equal(mail.language, 'ru');
  const link = (mail.text.match(/http:\/\/[^\s]+\/password-reset\?token=[A-Za-z0-9_-]+/) || [])[0];
  assert.ok(link && link.startsWith(server.base), `the mail carries a link to this server: ${mail.text}`);
  assert.ok(!server.log().includes('token='), 'the link is in no log');
  await page.goto(link);
  await page.locator('#reset-confirm input[name=new_password]').fill('password');
  await page.getByRole('button', { name: 'Задать пароль' }).click();
  await page.waitForFunction(() => document.querySelector('[data-error-for=new_password]').textContent.trim() !== '');
  await page.locator('#reset-confirm input[name=new_password]').fill('vera-brand-new-password');
  await page.getByRole('button', { name: 'Задать пароль' }).click();
  await page.waitForURL(/\/login$/);
  await context.close();

  const fresh = await signIn(browser, server.base, email, 'vera-brand-new-password');
  assert.ok(fresh.url().endsWith('/admin/coworking'), fresh.url());
  await fresh.context().close();
  const old = await signIn(browser, server.base, email, 'vera-old-password');
  assert.ok(old.url().endsWith('/login'));
  await old.context().close();
});
