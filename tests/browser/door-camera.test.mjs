// The door's camera: the visitor's pass, as their phone shows it, is put in
// front of a (fake) camera; the door reads it (with jsQR from the binary,
// Chromium on Linux having no BarcodeDetector) and lets the visitor in.
// And a door tablet whose clock runs ahead queues an offline check the
// server will not take: the door says so on that check's line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, startBrowser, signIn, screenshot, logins, phone, api, moscowDay } from './harness.mjs';

let server; let browser; let camera; let dir;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
  dir = mkdtempSync(join(tmpdir(), 'tessera-camera-'));
});
after(async () => {
  await camera?.close();
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const gateLogin = logins.gate;
const ivanLogin = logins.ivan;

/** A confirmed, validated ticket for today in the demo coworking. */
async function validatedTicket(manager, customerId) {
  const premises = (await api(manager, 'GET', '/api/v1/premises')).body.items.find((p) => p.kind === 'coworking');
  const day = moscowDay(0);
  const free = await api(manager, 'GET', `/api/v1/premises/${premises.id}/free-workplaces?start_date=${day}&end_date=${day}`);
  const daily = (await api(manager, 'GET', `/api/v1/tariffs?venue_id=${premises.venue_id}`)).body.items.find((t) => t.unit === 'day');
  const order = await api(manager, 'POST', '/api/v1/orders', {
    customer_id: customerId,
    items: [{ workplace_id: free.body.items[0].id, period: { start_date: day, end_date: day }, tariff_id: daily.id }],
  });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  const ticket = order.body.tickets[0].number;
  assert.equal((await api(manager, 'POST', `/api/v1/orders/${order.body.number}/status`, { status: 'confirmed' })).status, 200);
  assert.equal((await api(manager, 'POST', `/api/v1/coworking/tickets/${ticket}/validation`, {})).status, 200);
  return { ticket, premises };
}

/**
 * The pass's QR code as the ticket page draws it, on a white 640×480 frame,
 * written as a one-frame Y4M video for Chromium's fake camera.
 */
async function passAsVideo(app, path) {
  const luma = await app.evaluate(async () => {
    const svg = new XMLSerializer().serializeToString(document.querySelector('#pass-qr svg'));
    const img = new Image();
    const loaded = new Promise((ok, fail) => { img.onload = ok; img.onerror = () => fail(new Error('the QR code did not load')); });
    // A data: URL, as the page's policy allows images from (not blob:).
    img.src = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(svg)));
    await Promise.race([loaded, new Promise((_, fail) => setTimeout(() => fail(new Error('the QR code took too long')), 5000))]);
    const canvas = Object.assign(document.createElement('canvas'), { width: 640, height: 480 });
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 640, 480);
    ctx.drawImage(img, 140, 60, 360, 360);
    const rgba = ctx.getImageData(0, 0, 640, 480).data;
    let out = '';
    for (let i = 0; i < rgba.length; i += 4) out += String.fromCharCode(Math.round(0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2]));
    return btoa(out);
  });
  const y = Buffer.from(luma, 'base64');
  assert.equal(y.length, 640 * 480);
  const chroma = Buffer.alloc(320 * 240 * 2, 128);
  writeFileSync(path, Buffer.concat([Buffer.from('YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\nFRAME\n'), y, chroma]));
}

test('the door reads a pass from the camera and says which offline checks the server did not record', async () => {
  const ivan = await signIn(browser, server.base, ...ivanLogin, 'ru-RU', phone);
  const me = (await api(ivan, 'GET', '/api/v1/me')).body;
  const manager = await signIn(browser, server.base, ...logins.rental);
  const { ticket, premises } = await validatedTicket(manager, me.id);
  await ivan.goto(server.base + `/app/tickets/${ticket}`);
  const token = await ivan.locator('#pass-qr').getAttribute('data-token');
  const video = join(dir, 'pass.y4m');
  await passAsVideo(ivan, video);

  // A door whose camera sees that pass.
  camera = await startBrowser(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
  const door = await signIn(camera, server.base, ...gateLogin, 'ru-RU', { ...phone, permissions: ['camera'] });
  assert.match(door.url(), /\/door$/);
  await door.locator('#door-premises').selectOption({ label: premises.name });
  await door.locator('#door-start').click();
  const nativeReader = await door.evaluate(() => 'BarcodeDetector' in window);
  await door.locator('#door-camera').click();
  const verdict = door.locator('#door-verdict');
  await verdict.waitFor({ timeout: 20000 });
  assert.ok(await verdict.evaluate((e) => e.classList.contains('allowed')), await door.locator('#door-verdict-reason').textContent());
  assert.equal((await door.locator('#door-verdict-ticket').textContent()).trim(), `Билет ${ticket}`);
  if (!nativeReader) assert.ok(await door.evaluate(() => typeof window.jsQR === 'function'), 'jsQR, served from the binary, read the code');
  await screenshot(door, 'door-camera-allowed-phone-ru');
  await verdict.waitFor({ state: 'hidden' });
  // While the camera runs it shows what it sees; stopping it lets it go.
  assert.ok(await door.locator('#door-video').isVisible());
  await screenshot(door, 'door-camera-phone-ru');
  await door.getByRole('button', { name: 'Выключить камеру' }).click();
  assert.ok(await door.locator('#door-video').isHidden());
  assert.equal(await door.evaluate(() => document.querySelector('#door-video').srcObject), null);
  assert.match(await door.locator('#door-last li').first().textContent(), new RegExp(`Вход · Билет ${ticket} · Проходите`));
  await door.close();

  // A tablet whose clock is three hours ahead decides offline; the server
  // refuses a check from the future, and the door says so on its line.
  const tablet = await door.context().newPage();
  tablet.setDefaultTimeout(15000);
  await tablet.clock.install({ time: new Date(Date.now() + 3 * 3600 * 1000) });
  await tablet.clock.resume();
  await tablet.goto(server.base + '/door');
  await tablet.locator('#door-scan').waitFor();
  await tablet.context().setOffline(true);
  await tablet.locator('#door-token').fill(token);
  await tablet.keyboard.press('Enter');
  await tablet.locator('#door-verdict').waitFor();
  await tablet.locator('#door-queue').filter({ hasText: '1' }).waitFor();
  await tablet.locator('#door-verdict').waitFor({ state: 'hidden' });
  await tablet.context().setOffline(false);
  await tablet.locator('#door-queue').waitFor({ state: 'hidden', timeout: 20000 });
  const note = tablet.locator('#door-last li').first().locator('.door-not-recorded');
  await note.waitFor();
  assert.match(await note.textContent(), /^не записана сервером: \S/);
  await screenshot(tablet, 'door-not-recorded-phone-ru');

  // The log holds what was recorded: the camera's check(s), online, none offline.
  await manager.goto(server.base + `/admin/coworking/door?ticket_number=${ticket}&premises_id=${premises.id}`);
  assert.ok(await manager.locator('#results tbody tr').count() >= 1);
  assert.equal(await manager.locator('#results tbody tr .tag').count(), 0, 'the refused offline check is not in the log');
});
