// Integrations in the browser: the admin adds a webhook to a receiver run
// by the test, keeps the secret shown once, sends a test event the receiver
// verifies, sees it delivered, narrows the events, pauses and deletes it;
// an order made in the UI reaches the receiver signed; the pages fit a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { startServer, startBrowser, signIn, screenshot, logins, phone, api } from './harness.mjs';

let server; let browser; let receiver; let hookUrl;
const got = [];
let secret = '';
let badSignatures = 0;

/** Standard Webhooks: v1,<base64 HMAC-SHA256 of "id.timestamp.body" under the decoded secret>. */
function verified(headers, body) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest('base64');
  return (headers['webhook-signature'] || '').split(' ').includes('v1,' + mac);
}

before(async () => {
  server = await startServer();
  browser = await startBrowser();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (!verified(req.headers, body)) { badSignatures += 1; res.writeHead(401).end(); return; }
      got.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise((ok) => receiver.listen(0, '127.0.0.1', ok));
  hookUrl = `http://127.0.0.1:${receiver.address().port}/tessera`;
});
after(async () => { receiver?.close(); await browser?.close(); await server?.stop(); });

async function until(what, ok) {
  for (let i = 0; i < 200; i += 1) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`waited in vain for ${what}: ${JSON.stringify(got)}`);
}

test('the admin adds a webhook, tries it, narrows it, pauses and deletes it', async () => {
  const admin = await signIn(browser, server.base, ...logins.admin);
  await admin.getByRole('link', { name: 'Интеграции', exact: true }).click();
  await admin.waitForURL(/\/admin\/integrations$/);
  assert.match(await admin.locator('.empty').textContent(), /Вебхуков пока нет/);

  // Not an address: refused at the field, nothing added.
  await admin.locator('.page-head').getByRole('button', { name: 'Добавить вебхук' }).click();
  const dialog = admin.locator('#webhook-add');
  await dialog.locator('input[name=url]').fill('ftp://crm.example.com');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await admin.waitForFunction(() => document.querySelector('#webhook-add [data-error-for=url]').textContent.trim() !== '');
  assert.equal((await dialog.locator('[data-error-for=url]').textContent()).trim(), 'нужен веб-адрес, начинающийся с http:// или https://');
  // "Every event" greys the single types out.
  assert.ok(await dialog.locator('input[value="order.created"]').isDisabled());
  await dialog.locator('input[name=url]').fill(hookUrl);
  await dialog.locator('input[name=description]').fill('CRM');
  await dialog.getByRole('button', { name: 'Сохранить' }).click();
  await dialog.locator('.reveal').waitFor();
  secret = (await dialog.locator('.reveal code').textContent()).trim();
  assert.match(secret, /^whsec_[A-Za-z0-9+/=]{32}$/);
  await screenshot(admin, 'integrations-secret-ru');
  await dialog.getByRole('link', { name: 'Готово' }).click();
  await admin.waitForURL(/\/admin\/integrations\/webhooks\/\d+$/);
  assert.equal((await admin.locator('h1').textContent()).trim(), hookUrl);
  assert.equal(await admin.getByText(secret).count(), 0, 'the secret is shown once');

  await admin.getByRole('button', { name: 'Отправить тестовое событие' }).click();
  await admin.locator('#page-done').getByText('Тестовое событие поставлено в очередь.').waitFor();
  await until('the test event', () => got.some((g) => g.type === 'webhook.test'));
  for (let i = 0; i < 50; i += 1) {
    await admin.reload();
    if (await admin.locator('table.deliveries tbody tr').getByText('Доставлено').count()) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const row = admin.locator('table.deliveries tbody tr').first();
  assert.match(await row.textContent(), /Доставлено/);
  assert.match(await row.textContent(), /HTTP 204/);
  assert.equal(badSignatures, 0);
  await screenshot(admin, 'integrations-webhook-ru');

  // Only order status changes from now on.
  await admin.getByRole('button', { name: 'Изменить' }).click();
  const edit = admin.locator('#webhook-edit');
  await edit.locator('input[data-every]').uncheck();
  await edit.locator('input[value="order.status_changed"]').check();
  await edit.getByRole('button', { name: 'Сохранить' }).click();
  await admin.locator('.facts').getByText('Статус заказа изменён').waitFor();

  // A manager confirms a new order in the UI: the receiver gets it, signed,
  // with the order and the change; a refused change sends nothing.
  const manager = await signIn(browser, server.base, ...logins.rental);
  const fresh = await api(manager, 'GET', '/api/v1/orders?status=new');
  const number = fresh.body.items[0].number;
  const refused = await api(manager, 'POST', `/api/v1/orders/${number}/status`, { status: 'cancelled_refunded' });
  assert.equal(refused.status, 409);
  await manager.goto(server.base + `/admin/coworking/orders/${number}`);
  await manager.locator('.actions-bar').getByRole('button', { name: 'Подтвердить заказ', exact: true }).click();
  await manager.locator('dialog[open] button[type=submit]').click();
  await manager.locator('#order-status').getByText('Подтвержден').waitFor();
  await until('the confirmation', () => got.some((g) => g.type === 'order.status_changed'));
  const changes = got.filter((g) => g.type === 'order.status_changed');
  assert.equal(changes.length, 1, 'the refused change sent nothing');
  assert.equal(changes[0].data.number, number);
  assert.deepEqual(changes[0].change, { from: 'new', to: 'confirmed' });
  assert.ok(!got.some((g) => g.type === 'ticket.status_changed'), 'not subscribed: not sent');
  await manager.context().close();

  // Paused: the list says so.
  await admin.getByRole('button', { name: 'Приостановить' }).click();
  await admin.getByRole('button', { name: 'Возобновить' }).waitFor();
  await admin.getByRole('link', { name: 'Все интеграции' }).click();
  const listed = admin.locator('table.webhooks tbody tr');
  assert.match(await listed.textContent(), /Приостановлен/);
  assert.match(await listed.textContent(), /CRM/);
  await screenshot(admin, 'integrations-ru');

  // Deleted after asking.
  await listed.getByRole('link').click();
  await admin.getByRole('button', { name: 'Удалить' }).click();
  await admin.locator('#webhook-delete').getByRole('button', { name: 'Удалить' }).click();
  await admin.waitForURL(/\/admin\/integrations$/);
  assert.match(await admin.locator('.empty').textContent(), /Вебхуков пока нет/);
  await admin.context().close();
});

test('a rental manager has no integrations; on a phone the pages fit, in Bulgarian', async () => {
  const manager = await signIn(browser, server.base, ...logins.rental);
  assert.equal(await manager.getByRole('link', { name: 'Интеграции', exact: true }).count(), 0);
  assert.equal((await manager.goto(server.base + '/admin/integrations')).status(), 403);
  await manager.context().close();

  const page = await signIn(browser, server.base, ...logins.admin, 'bg-BG', phone);
  const made = await api(page, 'POST', '/api/v1/webhooks', { url: hookUrl + '/bg', events: ['order.created', 'ticket.sent'], description: 'Счетоводство' });
  assert.equal(made.status, 201);
  await page.goto(server.base + '/admin/integrations');
  assert.equal((await page.locator('h1').textContent()).trim(), 'Интеграции');
  assert.match(await page.locator('table.webhooks').textContent(), /Създадена поръчка, Изпратен билет/);
  let width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling (${width} px)`);
  await screenshot(page, 'integrations-phone-bg');
  await page.goto(server.base + `/admin/integrations/webhooks/${made.body.id}`);
  assert.ok(await page.getByRole('button', { name: 'Изпрати тестово събитие' }).isVisible());
  width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling (${width} px)`);
  await page.context().close();
});
