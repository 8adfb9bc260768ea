// Exports in the browser: the "Export" links of the ticket list, the orders,
// the door log and an event export what the filters show — the CSV holds
// the rows the page lists, under a header in the page's language — and the
// Excel link answers a workbook.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, signIn, logins, screenshot } from './harness.mjs';

let server; let browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** A CSV's rows (the header first), read as a spreadsheet program would. */
function parseCsv(text) {
  assert.equal(text.charCodeAt(0), 0xfeff, 'a byte-order mark, so that Excel reads UTF-8');
  const rows = []; let row = []; let cell = ''; let quoted = false;
  for (let i = 1; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else if (c !== '\r') cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** Downloads what a link points at, with the page's cookies. */
async function download(page, link) {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const stream = await file.createReadStream();
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { name: file.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

test('the ticket list exports what its filters show, in the page language', async () => {
  const page = await signIn(browser, server.base, ...logins.rental);
  await page.locator('#f-visitor').pressSequentially('мар', { delay: 30 });
  await page.waitForURL(/visitor=%D0%BC%D0%B0%D1%80$/);
  const shown = (await page.locator('#results tbody tr td:first-child').allTextContents()).map((s) => s.trim());
  assert.ok(shown.length > 0);
  const csv = await download(page, page.locator('#results a[data-export=csv]'));
  assert.equal(csv.name, 'tickets.csv');
  const rows = parseCsv(csv.bytes.toString('utf8'));
  assert.deepEqual(rows[0].slice(0, 3), ['Билет', 'Период аренды', 'Начало']);
  assert.deepEqual(rows.slice(1).map((r) => r[0]), shown, 'the rows the page shows, in its order');
  assert.ok(rows.slice(1).every((r) => /^Мар/.test(r[4])), 'only the filtered visitors');
  await screenshot(page, 'coworking-export-ru');

  const xlsx = await download(page, page.locator('#results a[data-export=xlsx]'));
  assert.equal(xlsx.name, 'tickets.xlsx');
  assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK', 'a workbook (a zip)');

  // In English, the header is English.
  await page.goto(server.base + '/lang/en');
  await page.goto(server.base + '/admin/coworking/orders');
  const orders = parseCsv((await download(page, page.locator('#results a[data-export=csv]'))).bytes.toString('utf8'));
  assert.deepEqual(orders[0].slice(0, 3), ['Order', 'Made', 'Customer']);
  const listed = (await page.locator('#results tbody tr td:first-child').allTextContents()).map((s) => s.trim().replace(/\D/g, ''));
  assert.deepEqual(orders.slice(1, 1 + listed.length).map((r) => r[0]), listed);
  await page.context().close();
});

test('the door log and an event export their lines', async () => {
  // The door refuses two passes that are not passes; the log, filtered to
  // refusals, exports exactly those lines.
  const gate = await signIn(browser, server.base, ...logins.gate);
  for (const token of ['not-a-pass-1', 'not-a-pass-2']) {
    const res = await gate.evaluate(async (token) => {
      const r = await fetch('/api/v1/access/check', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': document.body.dataset.csrf }, body: JSON.stringify({ token, premises_id: 1 }) });
      return r.status;
    }, token);
    assert.equal(res, 200);
  }
  await gate.context().close();
  const page = await signIn(browser, server.base, ...logins.rental);
  await page.goto(server.base + '/admin/coworking/door?allowed=false');
  const shown = (await page.locator('#results tbody tr td:nth-child(3)').allTextContents()).map((s) => s.trim());
  assert.ok(shown.length >= 2, shown.join(', '));
  const door = parseCsv((await download(page, page.locator('#results a[data-export=csv]'))).bytes.toString('utf8'));
  assert.equal(door[0][0], 'Время');
  assert.deepEqual(door.slice(1).map((r) => r[2]), shown, 'the refusals the page lists, in its order');
  assert.ok(door.slice(1).every((r) => r[5] === 'нет'));
  await page.context().close();

  const em = await signIn(browser, server.base, ...logins.events);
  await em.locator('table a').first().click();
  await em.waitForURL(/\/admin\/events\/\d+$/);
  const charges = parseCsv((await download(em, em.locator('a[data-export=csv]'))).bytes.toString('utf8'));
  assert.equal(charges[0][0], 'Начисление');
  const shownCharges = await em.locator('table.charges tbody tr').count();
  assert.equal(charges.length - 1, shownCharges, 'every charge of every folio, voided ones too');
  assert.ok(charges.slice(1).some((r) => r[8] === 'аннулировано'), 'the demo\'s voided charge says so');
  await em.context().close();
});
