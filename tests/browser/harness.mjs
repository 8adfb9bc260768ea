// Starts the real Tessera server (with the demo data) on a fresh database
// and a headless Chromium, for the end-to-end tests.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '..', '..');
const binary = process.env.TESSERA_BIN || join(root, 'target', 'debug', 'tessera');
const backend = process.env.TESSERA_TEST_DATABASE || 'sqlite';
const pgUrl = process.env.TESSERA_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432';

/** The Python with aiosmtpd: TESSERA_TEST_PYTHON, else the venv scripts/test makes. */
function python() {
  if (process.env.TESSERA_TEST_PYTHON) return process.env.TESSERA_TEST_PYTHON;
  const venv = join(process.env.CARGO_TARGET_DIR || join(root, 'target'), 'smtp-venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

/** A real SMTP server (scripts/smtp-sink.py): its port, and the mails it took, decoded. */
async function startSink(dir) {
  const child = spawn(python(), [join(root, 'scripts', 'smtp-sink.py'), '--dir', dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; const m = out.match(/listening on (\d+)/); if (m) ok(Number(m[1])); });
    child.on('exit', (code) => fail(new Error(`the SMTP sink exited ${code} (is aiosmtpd installed? run ./scripts/test)`)));
  });
  return {
    port,
    mails: () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [])
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))),
    stop: () => child.kill(),
  };
}

/** A running server on a database of its own; `{ mail: true }` gives it an SMTP server too. */
export async function startServer(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-ui-'));
  const sink = options.mail ? await startSink(join(dir, 'mail')) : null;
  const mailEnv = sink ? { TESSERA_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, TESSERA_MAIL_FROM: 'Tessera <noreply@tessera.local>' } : {};
  let url;
  let dropDb = null;
  if (backend === 'postgres') {
    const name = 'tessera_t_ui_' + process.pid + '_' + Math.floor(Math.random() * 1e9);
    execFileSync('psql', [pgUrl + '/postgres', '-qc', `CREATE DATABASE "${name}"`]);
    url = `${pgUrl}/${name}`;
    dropDb = () => { try { execFileSync('psql', [pgUrl + '/postgres', '-qc', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]); } catch (e) { /* best effort */ } };
  } else {
    url = 'sqlite://' + join(dir, 'tessera.db');
  }
  const child = spawn(binary, ['serve', '--demo'], {
    env: { ...process.env, ...mailEnv, TESSERA_DATABASE_URL: url, TESSERA_LISTEN: '127.0.0.1:0', RUST_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const base = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error('server did not start:\n' + stderr)), 60000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[\d.:]+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited ${code}:\n${stderr}`)); });
  });
  return {
    base,
    /** What the server wrote to standard error so far. */
    log: () => stderr,
    /** The mails the SMTP server took so far (with `{ mail: true }`). */
    mails: () => (sink ? sink.mails() : []),
    /** Waits (at most 15 s) for a mail `ok` accepts. */
    async mail(ok) {
      for (let i = 0; i < 300; i++) {
        const m = (sink ? sink.mails() : []).find(ok);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('no such mail arrived; got ' + JSON.stringify(sink ? sink.mails().map((m) => m.subject) : []));
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((ok) => { if (child.exitCode !== null) ok(); else child.on('exit', ok); });
      if (sink) sink.stop();
      if (dropDb) dropDb();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium: Debian's, or the one named by CHROMIUM; `extraArgs` for a fake camera and such. */
export async function startBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage', ...extraArgs],
  });
}

/** Viewports: a desktop, and a 390 px phone (touch, as phones have). */
export const desktop = { viewport: { width: 1280, height: 900 } };
export const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** A fresh page in a language, signed in as somebody. */
export async function signIn(browser, base, email, password, locale = 'ru-RU', device = desktop) {
  const context = await browser.newContext({ locale, ...device });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(base + '/login');
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await page.locator('form[action="/login"] button[type=submit]').click();
  await page.waitForLoadState('networkidle');
  return page;
}

/** Saves a screenshot under docs/screenshots when SCREENSHOTS=1. */
export async function screenshot(page, name) {
  if (process.env.SCREENSHOTS !== '1') return;
  const dir = join(root, 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, name + '.png'), fullPage: true });
}

export const logins = {
  rental: ['marina@tessera.local', 'tessera-marina'],
  events: ['events@tessera.local', 'tessera-events'],
  admin: ['admin@tessera.local', 'tessera-admin'],
  visitor: ['koshatina77@mail.ru', 'tessera-maria'],
  ivan: ['ivan@tessera.local', 'tessera-ivan'],
  gate: ['gate@tessera.local', 'tessera-gate'],
};

/** A date in Moscow (the demo coworking's zone), `days` from today. */
export const moscowDay = (days = 0) => new Date(Date.now() + days * 86400000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Moscow' });

/** Types a date into a date field (by its name) as a person would: in the
 *  page's own format, 13.12.2031; the field keeps the ISO value for the API. */
export async function fillDate(scope, name, iso) {
  const [y, m, d] = iso.split('-');
  await scope.locator(`.date-field:has(input[name="${name}"]) input[data-kit-field]`).fill(`${d}.${m}.${y}`);
}

/** Types a time (HH:MM) into a time field, by its name. */
export async function fillTime(scope, name, hhmm) {
  await scope.locator(`.time-field:has(input[name="${name}"]) input[data-kit-field]`).fill(hhmm);
}

/** Says yes in the page's own confirmation dialog (Tessera never uses confirm()). */
export async function confirmInPage(page) {
  const dialog = page.locator('#confirm-dialog[open]');
  await dialog.waitFor();
  await dialog.locator('[data-confirm-ok]').click();
}

/** Asserts that the page does not scroll sideways (a phone's width holds it all). */
export async function fitsWidth(page, what) {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
  if (scroll > inner) throw new Error(`${what}: the page scrolls sideways (${scroll} px > ${inner} px)`);
}

/** Calls the JSON API from a signed-in page, as the page's own scripts do. */
export async function api(page, method, url, body) {
  return page.evaluate(async ([method, url, body]) => {
    const res = await fetch(url, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': document.body.dataset.csrf, 'Accept-Language': 'ru' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  }, [method, url, body]);
}
