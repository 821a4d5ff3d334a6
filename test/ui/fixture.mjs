// The UI tier's one session: a mocha root-hook plugin (test/ui/.mocharc.json requires it) that opens
// the real workbench once for the whole run, on a fresh workspace repository from workspace.mjs,
// with this extension under development and no test entry: the tests drive it as a person does.
// A failing test leaves a screenshot in the run folder, and a failing run keeps that folder.
//
// Environment: KEEP_LOGS=1 (keep the run folder of a passing run), VERBOSE=1 (browser console).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { missingFiles, Session } from '../host/session.mjs';
import { createWorkspace } from '../host/workspace.mjs';

/** The Hotfix container in the activity bar: its presence means the extension's contributions are in. */
export const HOTFIX_ACTIVITY = '.activitybar a[aria-label^="Hotfix"]';

const t0 = Date.now();
export const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
export const say = (line) => console.log(`    [ui] ${line}`);

let current;
let failed = false;

/** The open workbench: `page` (Playwright), `workspace` (the repository it shows), `git(...args)`. */
export function workbench() {
  if (!current?.page) throw new Error('no UI session: run the tier with mocha --config test/ui/.mocharc.json');
  return current;
}

async function screenshot(name) {
  if (!current?.page) return;
  mkdirSync(current.session.file('screenshots'), { recursive: true });
  const file = current.session.file('screenshots', `${name.replace(/[^\w.-]+/g, '_').slice(0, 120)}.png`);
  try {
    await current.page.screenshot({ path: file, timeout: 10000 });
    say(`screenshot: ${file}`);
  } catch (error) {
    say(`no screenshot (${error instanceof Error ? error.message : error})`);
  }
}

/** True when any test or hook under `suite` failed (mocha marks both as state 'failed'). */
function anyFailed(suite) {
  const hooks = [suite._beforeAll, suite._beforeEach, suite._afterEach, suite._afterAll].flat().filter(Boolean);
  return [...suite.tests, ...hooks].some((r) => r.state === 'failed') || suite.suites.some(anyFailed);
}

export const mochaHooks = {
  async beforeAll() {
    this.timeout(180000);
    const missing = missingFiles();
    if (missing.length > 0) throw new Error(missing.map(([file, fix]) => `missing ${file}: ${fix}`).join('; '));
    const session = new Session({ prefix: 'ui-', settings: { 'workbench.secondarySideBar.defaultVisibility': 'hidden' } });
    const workspace = createWorkspace(session.file('ws'));
    const git = (...args) => execFileSync('git', args, { cwd: workspace, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    current = { session, workspace, git };
    const stop = () => { void session.close().then(() => process.exit(130)); };
    process.once('SIGINT', stop);
    current.stop = stop;
    try {
      await session.startServer();
      say(`code-server up on 127.0.0.1:${session.port} after ${elapsed()}`);
      const page = await session.openWorkbench({
        folder: workspace,
        onConsole: process.env.VERBOSE ? (text) => console.log('[browser]', text) : undefined,
      });
      current.page = page;
      page.setDefaultTimeout(30000);
      await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
      await page.locator(HOTFIX_ACTIVITY).waitFor({ timeout: 60000 });
      say(`workbench ready with the Hotfix container after ${elapsed()}`);
    } catch (error) {
      failed = true;
      await screenshot('setup');
      throw error;
    }
  },

  async afterEach() {
    if (this.currentTest?.state === 'failed') {
      failed = true;
      await screenshot(this.currentTest.fullTitle());
    }
  },

  async afterAll() {
    this.timeout(30000);
    if (!current) return;
    process.removeListener('SIGINT', current.stop);
    failed ||= anyFailed(this.test.parent);
    const kept = await current.session.finish({ keep: failed || Boolean(process.env.KEEP_LOGS) });
    say(`session closed after ${elapsed()}`);
    if (kept) say(`logs kept in ${current.session.dir} (screenshots/, code-server.log, browser-console.log, ud/logs/*/exthost*/)`);
    current = undefined;
  },
};
