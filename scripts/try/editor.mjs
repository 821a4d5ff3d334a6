// @ts-check
// A real VS Code for the sandbox: code-server (installed once by test/host/setup-vscode-host.sh into the
// normal cache) on a free 127.0.0.1 port, auth none, with a persistent profile under the sandbox's state
// folder (its own HOME, XDG folders, user data and extensions), the extension under development loaded
// from this checkout, and the machine setting `hotfixDeployer.kubeconfig` naming the sandbox's kubeconfig.
// That setting is `machine` scoped: code-server's extension host, a remote one, reads it from the remote
// machine's settings (user-data/Machine/settings.json) and ignores it in the user's.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, SETTINGS as QUIET_SETTINGS } from '../../test/host/session.mjs';

/** Where setup-vscode-host.sh installs Node 24 and code-server (the normal cache, whatever --cache says). */
export function hostPaths() {
  const cache = process.env.HOTFIX_CACHE || path.join(os.homedir(), '.cache', 'hotfix-deployer');
  const host = process.env.VSHOST || path.join(cache, 'vscode-host');
  return { host, node: path.join(host, 'node/bin/node'), entry: path.join(host, 'cs/node_modules/code-server/out/node/entry.js') };
}

// The tests' quiet, offline settings (test/host/session.mjs), with git on (the demo is a repository) and
// automatic tasks on: the demo's task follows the local cluster's build in a terminal (cluster-status.mjs).
const SETTINGS = { ...QUIET_SETTINGS, 'git.enabled': true, 'git.autofetch': false, 'task.allowAutomaticTasks': 'on' };

/**
 * Merges settings into a settings.json: `defaults` under what the user changed there, `own` over it.
 * @param {string} file @param {Record<string, unknown>} own @param {Record<string, unknown>} [defaults]
 */
function writeSettings(file, own, defaults = {}) {
  /** @type {Record<string, unknown>} */
  let current = {};
  try {
    current = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // first run, or a file with comments: start from ours
  }
  writeFileSync(file, `${JSON.stringify({ ...defaults, ...current, ...own }, null, 2)}\n`);
}

/**
 * Starts code-server; resolves once /healthz answers. The returned `url` opens `folder` with the extension.
 * @param {{ dir: string, extension: string, folder: string, kubeconfig: string, readyMs?: number }} o
 */
export async function startEditor(o) {
  const { node, entry } = hostPaths();
  const sandbox = {
    HOME: path.join(o.dir, 'home'), TMPDIR: path.join(o.dir, 'tmp'), XDG_CACHE_HOME: path.join(o.dir, 'xdg-cache'),
    XDG_CONFIG_HOME: path.join(o.dir, 'xdg-config'), XDG_DATA_HOME: path.join(o.dir, 'xdg-data'),
  };
  for (const d of [...Object.values(sandbox), path.join(o.dir, 'user-data/User'), path.join(o.dir, 'user-data/Machine'), path.join(o.dir, 'extensions')]) mkdirSync(d, { recursive: true });
  writeSettings(path.join(o.dir, 'user-data/User/settings.json'), {}, SETTINGS);
  writeSettings(path.join(o.dir, 'user-data/Machine/settings.json'), { 'hotfixDeployer.kubeconfig': o.kubeconfig });
  const port = await freePort();
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, ...sandbox };
  delete env.KUBECONFIG; // only the setting names a kubeconfig: never the user's
  const child = spawn(node, [entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', path.join(o.dir, 'user-data'), '--extensions-dir', path.join(o.dir, 'extensions'), '--ignore-last-opened',
    // Without this the built workbench ignores the ?payload= that loads the extension under development.
    '--vscode-option', 'enable-smoke-test-driver'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const log = path.join(o.dir, 'code-server.log');
  const out = createWriteStream(log, { flags: 'a' });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const pid = /** @type {number} */ (child.pid);
  /** @type {string | undefined} */
  let exited;
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => { exited = signal ?? `code ${code}`; resolve(undefined); }));
  const killOnExit = () => { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } };
  process.once('exit', killOnExit);
  const base = `http://127.0.0.1:${port}`;
  const remote = (/** @type {string} */ p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [['extensionDevelopmentPath', remote(o.extension)], ['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
  const url = `${base}/?folder=${encodeURIComponent(o.folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  const stop = async () => {
    try { process.kill(-pid, 'SIGTERM'); } catch { /* gone */ }
    const kill = setTimeout(killOnExit, 5000);
    await exit;
    clearTimeout(kill);
    await new Promise((r) => setTimeout(r, 200));
    killOnExit(); // anything of the group left behind (the extension host)
    process.removeListener('exit', killOnExit);
  };

  const end = Date.now() + (o.readyMs ?? 60_000);
  for (;;) {
    if (exited !== undefined) throw new Error(`code-server exited during start-up (${exited}); read ${log}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > end) {
      await stop();
      throw new Error(`code-server did not answer ${base}/healthz in time; read ${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, base, port, pid, log, stop };
}

/**
 * Opens `url` in headless Chromium and waits for the Hotfix activity-bar item (the extension under
 * development activated on the demo repository), then opens the Hotfix view, expands `target` in the
 * Deployments view and waits for a row matching `row`: the editor reaches the cluster through the
 * sandbox's kubeconfig. Returns the milliseconds it took.
 * @param {string} url @param {string} dir @param {{ target: string, row: RegExp }} deployments
 */
export async function checkWorkbench(url, dir, deployments) {
  const { chromium } = await import('playwright-core');
  const started = Date.now();
  const sandbox = { HOME: path.join(dir, 'home'), TMPDIR: path.join(dir, 'tmp'), XDG_CONFIG_HOME: path.join(dir, 'xdg-config'), XDG_CACHE_HOME: path.join(dir, 'xdg-cache') };
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, env: { ...process.env, ...sandbox },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const hotfix = page.locator('.activitybar a[aria-label^="Hotfix"]');
    await hotfix.waitFor({ timeout: 60_000 });
    if ((await hotfix.getAttribute('aria-expanded')) !== 'true') await hotfix.click();
    const target = page.locator(`.monaco-list-row[aria-label^="${deployments.target} "]`);
    await target.waitFor({ timeout: 60_000 });
    if ((await target.getAttribute('aria-expanded')) === 'false') await target.click();
    const rows = page.locator('.monaco-list-row');
    const end = Date.now() + 30_000;
    for (;;) {
      const labels = await Promise.all((await rows.all()).map((r) => r.getAttribute('aria-label')));
      if (labels.some((l) => l && deployments.row.test(l))) break;
      if (Date.now() > end) throw new Error(`the Deployments view shows no row like ${deployments.row} under ${deployments.target}; it shows: ${labels.join(' | ')}`);
      await page.waitForTimeout(500);
    }
    return Date.now() - started;
  } finally {
    await browser.close().catch(() => undefined);
  }
}

export const editorInstalled = () => existsSync(hostPaths().entry) && existsSync(hostPaths().node);
