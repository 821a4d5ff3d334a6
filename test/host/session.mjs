// One code-server + headless Chromium session, shared by the extension-host launcher
// (run-host-tests.mjs, which passes a mocha entry as extensionTestsPath) and the UI tier (test/ui,
// which drives the workbench as a person does). A session owns a run folder under the cache:
// sandboxed HOME/XDG/TMPDIR, quiet user settings, and the logs, kept when the run fails.
//
// Environment: HOTFIX_CACHE (default ~/.cache/hotfix-deployer), VSHOST (the installed host),
// CHROMIUM (default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const EXT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = process.env.HOTFIX_CACHE || path.join(os.homedir(), '.cache', 'hotfix-deployer');
const HOST = process.env.VSHOST || path.join(CACHE, 'vscode-host');
const NODE24 = path.join(HOST, 'node/bin/node');
const CS_ENTRY = path.join(HOST, 'cs/node_modules/code-server/out/node/entry.js');

/** Files a session needs, each with what to run when it is missing; callers add their own. */
export const REQUIRED = [
  [NODE24, 'run test/host/setup-vscode-host.sh'],
  [CS_ENTRY, 'run test/host/setup-vscode-host.sh'],
  [path.join(EXT, 'dist/extension.js'), 'run npm run build'],
];

/** `[file, fix]` pairs whose file does not exist. */
export function missingFiles(extra = []) {
  return [...REQUIRED, ...extra].filter(([file]) => !existsSync(file));
}

// Quiet, offline user settings: no telemetry, updates, welcome pages or AI features.
export const SETTINGS = {
  'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false, 'extensions.ignoreRecommendations': true, 'update.mode': 'none',
  'telemetry.telemetryLevel': 'off', 'chat.disableAIFeatures': true, 'git.enabled': false,
  'github.gitAuthentication': false, 'workbench.enableExperiments': false, 'security.workspace.trust.enabled': false,
};

/** A free port on 127.0.0.1 (bound, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitHttp(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url} within ${ms} ms`);
}

export class Session {
  /** Makes the run folder `<cache>/runs/<prefix>XXXXXX` with the sandbox directories and settings. */
  constructor({ prefix = 'run-', settings = {} } = {}) {
    const runs = path.join(CACHE, 'runs');
    mkdirSync(runs, { recursive: true });
    this.dir = mkdtempSync(path.join(runs, prefix));
    for (const d of ['ud/User', 'exts', 'xdg-config', 'xdg-data', 'xdg-cache', 'home', 'tmp']) mkdirSync(this.file(d), { recursive: true });
    writeFileSync(this.file('ud/User/settings.json'), JSON.stringify({ ...SETTINGS, ...settings }, null, 1));
    this.sandboxEnv = {
      HOME: this.file('home'), TMPDIR: this.file('tmp'), XDG_CACHE_HOME: this.file('xdg-cache'),
      XDG_CONFIG_HOME: this.file('xdg-config'), XDG_DATA_HOME: this.file('xdg-data'),
    };
    this.closed = undefined;
  }

  /** A path inside the run folder. */
  file(...parts) {
    return path.join(this.dir, ...parts);
  }

  /** `vscode-remote://` form of a server-side path, as the workbench payload wants it. */
  remote(p) {
    return `vscode-remote://127.0.0.1:${this.port}${p}`;
  }

  /**
   * Starts code-server on a free loopback port in its own process group, with the sandboxed
   * environment plus `env` (seen by the extension host), and waits until it answers. Workspace trust
   * is off unless `workspaceTrust` (then also set `security.workspace.trust.enabled` in the settings):
   * a folder is then untrusted until trusted in the workbench. A run with extensionTestsPath is
   * trusted whatever this says (VS Code trusts the workspaces it runs extension tests in).
   */
  async startServer({ env = {}, readyMs = 60000, workspaceTrust = false } = {}) {
    this.port = await freePort();
    this.server = spawn(NODE24, [CS_ENTRY, '--bind-addr', `127.0.0.1:${this.port}`, '--auth', 'none',
      '--disable-telemetry', '--disable-update-check', ...(workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
      '--user-data-dir', this.file('ud'), '--extensions-dir', this.file('exts'), '--ignore-last-opened',
      // Without this a built workbench ignores the ?payload= that names the extension under development.
      '--vscode-option', 'enable-smoke-test-driver'], {
      env: { ...process.env, ...this.sandboxEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    const log = createWriteStream(this.file('code-server.log'));
    this.server.stdout.pipe(log);
    this.server.stderr.pipe(log);
    this.serverExited = new Promise((resolve) => this.server.once('exit', resolve));
    // Last resort if the process exits without close(): never leave a code-server group behind.
    this.killOnExit = () => { try { process.kill(-this.server.pid, 'SIGKILL'); } catch { /* gone */ } };
    process.once('exit', this.killOnExit);
    await waitHttp(`http://127.0.0.1:${this.port}/healthz`, readyMs);
  }

  /**
   * Opens the workbench on `folder` in headless Chromium with this extension under development and,
   * when given, a test entry (extensionTestsPath). `onConsole(text)` sees every browser console line
   * (all are also written to browser-console.log). `exited` resolves with the code the workbench
   * passes to codeAutomationExit when a test entry finishes. `extensionPath` is the extension under
   * development (default: this checkout; the bench passes a production build in a temporary copy).
   */
  async openWorkbench({ folder, extensionTestsPath, onConsole, viewport = { width: 1400, height: 900 }, extensionPath = EXT }) {
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
      env: { ...process.env, ...this.sandboxEnv },
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    const page = await this.browser.newPage({ viewport });
    this.page = page;
    this.exited = new Promise((resolve) => { void page.exposeFunction('codeAutomationExit', (code) => resolve(code)); });
    const browserLog = createWriteStream(this.file('browser-console.log'));
    page.on('console', (message) => {
      const text = message.text();
      browserLog.write(text + '\n');
      onConsole?.(text);
    });
    page.on('pageerror', (error) => browserLog.write(`[pageerror] ${error.message}\n`));
    const payload = [['extensionDevelopmentPath', this.remote(extensionPath)],
      ...(extensionTestsPath ? [['extensionTestsPath', this.remote(extensionTestsPath)]] : []),
      ['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
    await page.goto(`http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    return page;
  }

  /** Closes the browser and ends code-server's whole process group (SIGTERM, SIGKILL after 5 s). Idempotent. */
  close() {
    this.closed ??= (async () => {
      try { await this.browser?.close(); } catch { /* already gone */ }
      if (!this.server) return;
      const pid = this.server.pid;
      try { process.kill(-pid, 'SIGTERM'); } catch { /* already gone */ }
      const kill = setTimeout(() => { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await this.serverExited;
      clearTimeout(kill);
      await new Promise((r) => setTimeout(r, 300));
      try { process.kill(-pid, 'SIGKILL'); } catch { /* the group is gone */ }
      process.removeListener('exit', this.killOnExit);
    })();
    return this.closed;
  }

  /** Closes, then deletes the run folder unless `keep`; returns whether it was kept. */
  async finish({ keep }) {
    await this.close();
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
    return keep;
  }
}
