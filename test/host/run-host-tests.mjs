#!/usr/bin/env node
// Offline launcher for the extension-host suite: starts code-server (a real VS Code server with its
// Node extension host), opens the web workbench in Debian's headless Chromium through playwright-core
// with a payload naming this extension and its test entry, and exits with the suite's result.
// Install the host first with test/host/setup-vscode-host.sh. Logs of a failed run are kept.
//
// Environment: HOTFIX_CACHE (default ~/.cache/hotfix-deployer), TEST_TIMEOUT_MS (default 300000),
// HOTFIX_TEST_GREP (mocha grep), KEEP_LOGS=1 (keep logs of a passing run), VERBOSE=1 (browser console).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createWorkspace } from './workspace.mjs';

const EXT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE = process.env.HOTFIX_CACHE || path.join(os.homedir(), '.cache', 'hotfix-deployer');
const HOST = process.env.VSHOST || path.join(CACHE, 'vscode-host');
const NODE24 = path.join(HOST, 'node/bin/node');
const CS_ENTRY = path.join(HOST, 'cs/node_modules/code-server/out/node/entry.js');
const TESTS = path.join(EXT, 'out/test/e2e/index.js');
const TIMEOUT = Number(process.env.TEST_TIMEOUT_MS || 300000);
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const say = (line) => console.log(`[host] ${line}`);

for (const [file, fix] of [[NODE24, 'run test/host/setup-vscode-host.sh'], [CS_ENTRY, 'run test/host/setup-vscode-host.sh'],
  [path.join(EXT, 'dist/extension.js'), 'run npm run build'], [TESTS, 'run npm run compile-tests']]) {
  if (!existsSync(file)) {
    console.error(`[host] missing ${file}: ${fix}`);
    process.exit(1);
  }
}

function freePort() {
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

const runs = path.join(CACHE, 'runs');
mkdirSync(runs, { recursive: true });
const tmp = mkdtempSync(path.join(runs, 'run-'));
for (const d of ['ud/User', 'exts', 'xdg-config', 'xdg-data', 'xdg-cache', 'home', 'tmp']) mkdirSync(path.join(tmp, d), { recursive: true });
// Quiet, offline user settings: no telemetry, updates, welcome pages or AI features.
writeFileSync(path.join(tmp, 'ud/User/settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false, 'extensions.ignoreRecommendations': true, 'update.mode': 'none',
  'telemetry.telemetryLevel': 'off', 'chat.disableAIFeatures': true, 'git.enabled': false,
  'github.gitAuthentication': false, 'workbench.enableExperiments': false, 'security.workspace.trust.enabled': false,
}, null, 1));
const workspace = createWorkspace(path.join(tmp, 'ws'));
const resultFile = path.join(tmp, 'result.json');
const port = await freePort();
const sandboxEnv = {
  HOME: path.join(tmp, 'home'), TMPDIR: path.join(tmp, 'tmp'), XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
  XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
};
const cs = spawn(NODE24, [CS_ENTRY, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
  '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
  '--user-data-dir', path.join(tmp, 'ud'), '--extensions-dir', path.join(tmp, 'exts'), '--ignore-last-opened',
  // Without this a built workbench ignores the ?payload= that names the extension under test.
  '--vscode-option', 'enable-smoke-test-driver'], {
  env: { ...process.env, ...sandboxEnv, HOTFIX_TEST_RESULT: resultFile, HOTFIX_TEST_LOG: path.join(tmp, 'mocha.log'),
    HOTFIX_TEST_WORKSPACE: workspace, HOTFIX_TEST_GREP: process.env.HOTFIX_TEST_GREP || '' },
  stdio: ['ignore', 'pipe', 'pipe'], detached: true,
});
const csLog = createWriteStream(path.join(tmp, 'code-server.log'));
cs.stdout.pipe(csLog);
cs.stderr.pipe(csLog);
const csExited = new Promise((resolve) => cs.once('exit', resolve));

let browser;
let exitCode;
async function cleanup() {
  try { await browser?.close(); } catch { /* already gone */ }
  try { process.kill(-cs.pid, 'SIGTERM'); } catch { /* already gone */ }
  const kill = setTimeout(() => { try { process.kill(-cs.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
  await csExited;
  clearTimeout(kill);
  await new Promise((r) => setTimeout(r, 300));
  try { process.kill(-cs.pid, 'SIGKILL'); } catch { /* the group is gone */ }
}
process.once('SIGINT', () => { void cleanup().then(() => process.exit(130)); });

try {
  await waitHttp(`http://127.0.0.1:${port}/healthz`, 60000);
  say(`code-server up on 127.0.0.1:${port} after ${elapsed()}`);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    env: { ...process.env, ...sandboxEnv },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const done = new Promise((resolve) => { void page.exposeFunction('codeAutomationExit', (code) => resolve(code)); });
  const browserLog = createWriteStream(path.join(tmp, 'browser-console.log'));
  page.on('console', (message) => {
    const text = message.text();
    browserLog.write(text + '\n');
    const at = text.indexOf('[mocha] ');
    if (at >= 0) console.log(text.slice(at + 8));
    else if (process.env.VERBOSE) console.log('[browser]', text);
  });
  page.on('pageerror', (error) => browserLog.write(`[pageerror] ${error.message}\n`));
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [['extensionDevelopmentPath', remote(EXT)], ['extensionTestsPath', remote(TESTS)],
    ['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no result after ${TIMEOUT} ms`)), TIMEOUT); });
  exitCode = await Promise.race([done, timeout]);
  clearTimeout(timer);
  if (!existsSync(resultFile)) {
    say('the suite wrote no result file (it did not run): failing');
    exitCode = 1;
  } else {
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    say(`${result.passes}/${result.tests} passed, ${result.failures} failed, exit ${exitCode} after ${elapsed()}`);
    if (result.tests === 0) exitCode = 1;
  }
} catch (error) {
  console.error('[host] ERROR', error instanceof Error ? error.message : error);
  exitCode = 1;
}
await cleanup();
if (exitCode === 0 && !process.env.KEEP_LOGS) rmSync(tmp, { recursive: true, force: true });
else say(`logs kept in ${tmp} (code-server.log, browser-console.log, mocha.log, ud/logs/*/exthost*/)`);
process.exit(exitCode);
