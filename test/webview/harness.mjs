// The webview tier's page: the built dist/webview.js and media/panel.css served on loopback inside
// the HTML the extension host serves (same CSP, a fresh nonce per page), with stub.js standing in for
// VS Code, opened in Debian's headless Chromium through playwright-core (found as the host tier does).
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach } from 'mocha';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The browser the host and UI tiers use (test/host/session.mjs): $CHROMIUM, else Debian's. */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const FILES = {
  '/dist/webview.js': ['dist/webview.js', 'text/javascript'],
  '/media/panel.css': ['media/panel.css', 'text/css'],
  '/stub.js': ['test/webview/stub.js', 'text/javascript'],
};

/** The panel's HTML as src/extension/panel serves it: CSP with a nonce, the stylesheet, #app, the script. */
function page(origin, tab) {
  const nonce = randomBytes(16).toString('base64');
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${origin}; img-src ${origin} data:; font-src ${origin};`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<script nonce="${nonce}" src="${origin}/stub.js"></script>
<link rel="stylesheet" href="${origin}/media/panel.css">
<title>Hotfix</title>
</head>
<body><div id="app" data-tab="${tab === 'canary' ? 'canary' : 'timeline'}"></div><script nonce="${nonce}" src="${origin}/dist/webview.js"></script></body>
</html>`;
}

export async function startServer() {
  const missing = Object.values(FILES).map(([f]) => f).filter((f) => !existsSync(path.join(ROOT, f)));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run node scripts/build.mjs first`);
  // Read once: a build started elsewhere during the run empties dist/ and must not break it.
  const bodies = new Map(Object.entries(FILES).map(([route, [file, type]]) => [route, [readFileSync(path.join(ROOT, file)), type]]));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${server.address().port}`;
    if (url.pathname === '/panel.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page(origin, url.searchParams.get('tab')));
      return;
    }
    const file = bodies.get(url.pathname);
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': `${file[1]}; charset=utf-8`, 'cache-control': 'no-store' });
    res.end(file[0]);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (test/host/setup-vscode-host.sh does), or set CHROMIUM`);
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Opens the panel in a new page: `theme` light or dark, `state` what getState returns, `tab` the
 * host's data-tab. Collects dialogs and page errors; waits until the panel posted `ready`.
 */
export async function openPanel(browser, origin, { theme = 'dark', state, tab = 'timeline', viewport = { width: 1000, height: 760 } } = {}) {
  const pg = await browser.newPage({ viewport });
  const dialogs = [];
  const errors = [];
  pg.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  pg.on('pageerror', (e) => errors.push(e.message));
  pg.on('console', (m) => { if (m.type() === 'error') errors.push(`${m.text()} ${m.location().url ?? ''}`.trim()); });
  const q = new URLSearchParams({ theme, tab, ...(state ? { state: JSON.stringify(state) } : {}) });
  await pg.goto(`${origin}/panel.html?${q}`);
  await pg.waitForFunction(() => globalThis.__test?.posted.some((m) => m.kind === 'ready'));
  return {
    page: pg, dialogs, errors,
    /** Posts a HostToWebview message as the extension does. */
    send: (message) => pg.evaluate((m) => globalThis.postMessage(m, '*'), message),
    posted: (kind) => pg.evaluate((k) => globalThis.__test.posted.filter((m) => !k || m.kind === k), kind),
    /** Waits for the next posted message of `kind` after `skip` earlier ones, and returns it. */
    next: async (kind, skip = 0) => {
      const handle = await pg.waitForFunction(([k, n]) => globalThis.__test.posted.filter((m) => m.kind === k)[n], [kind, skip]);
      return handle.jsonValue();
    },
    test: () => pg.evaluate(() => globalThis.__test),
  };
}

/**
 * The hooks every panel suite has: one server and browser per suite, a fresh page per test (on `tab`),
 * and after each test no CSP violation, no page error and (with `noDialogs`) no dialog. The returned
 * object's `panel` is the current test's page.
 */
export function panelSuite({ tab, noDialogs = false } = {}) {
  let browser, server, origin;
  /** `open(options)`: another page of the same browser, for a test that needs its own (a theme, a size). */
  const suite = { panel: undefined, open: (options) => openPanel(browser, origin, options) };
  before(async () => {
    ({ server, origin } = await startServer());
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });
  beforeEach(async () => {
    suite.panel = await openPanel(browser, origin, tab ? { tab } : {});
  });
  afterEach(async () => {
    const { violations } = await suite.panel.test();
    assert.deepEqual(violations, [], 'no CSP violation during the test');
    assert.deepEqual(suite.panel.errors, [], 'no page errors');
    if (noDialogs) assert.deepEqual(suite.panel.dialogs, [], 'no dialog opened');
    await suite.panel.page.close();
  });
  return suite;
}
