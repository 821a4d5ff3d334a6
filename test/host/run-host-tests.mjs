#!/usr/bin/env node
// Offline launcher for the extension-host suite: starts code-server (a real VS Code server with its
// Node extension host), opens the web workbench in Debian's headless Chromium through playwright-core
// with a payload naming this extension and its test entry, and exits with the suite's result.
// Install the host first with test/host/setup-vscode-host.sh. Logs of a failed run are kept.
// The code-server + Chromium session itself lives in session.mjs (the UI tier uses it too).
//
// Environment: HOTFIX_CACHE (default ~/.cache/hotfix-deployer), TEST_TIMEOUT_MS (default 300000),
// HOTFIX_TEST_GREP (mocha grep), KEEP_LOGS=1 (keep logs of a passing run), VERBOSE=1 (browser console).
// The suite also gets a real Kubernetes control plane (test/kube, built by build-kube.sh) with an app
// to deploy; HOTFIX_HOST_CLUSTER=0 leaves it out (the deploy tests then fail, saying so).
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXT, missingFiles, Session } from './session.mjs';
import { startHostCluster } from './cluster-app.mjs';
import { createWorkspace } from './workspace.mjs';

const TESTS = path.join(EXT, 'out/test/e2e/index.js');
const TIMEOUT = Number(process.env.TEST_TIMEOUT_MS || 300000);
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const say = (line) => console.log(`[host] ${line}`);

for (const [file, fix] of missingFiles([[TESTS, 'run npm run compile-tests']])) {
  console.error(`[host] missing ${file}: ${fix}`);
  process.exit(1);
}

const session = new Session({ prefix: 'run-' });
const workspace = createWorkspace(session.file('ws'));
const resultFile = session.file('result.json');
process.once('SIGINT', () => { void session.close().then(() => process.exit(130)); });

let exitCode;
let cluster;
try {
  if (process.env.HOTFIX_HOST_CLUSTER !== '0') {
    cluster = await startHostCluster(session.file('kube'), workspace);
    say(`cluster up after ${elapsed()}`);
  }
  await session.startServer({
    env: { HOTFIX_TEST_RESULT: resultFile, HOTFIX_TEST_LOG: session.file('mocha.log'),
      HOTFIX_TEST_WORKSPACE: workspace, HOTFIX_TEST_GREP: process.env.HOTFIX_TEST_GREP || '',
      // The project's Helm: the deploy suite names it in the hotfixDeployer.helmPath setting, as a team would.
      ...(cluster ? { KUBECONFIG: cluster.kubeconfig, HOTFIX_TEST_CLUSTER: '1', HOTFIX_TEST_KUBE_CONNECTIONS: cluster.connections, HOTFIX_TEST_HELM: cluster.helm } : {}) },
  });
  say(`code-server up on 127.0.0.1:${session.port} after ${elapsed()}`);
  await session.openWorkbench({
    folder: workspace, extensionTestsPath: TESTS,
    onConsole: (text) => {
      const at = text.indexOf('[mocha] ');
      if (at >= 0) console.log(text.slice(at + 8));
      else if (process.env.VERBOSE) console.log('[browser]', text);
    },
  });
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no result after ${TIMEOUT} ms`)), TIMEOUT); });
  exitCode = await Promise.race([session.exited, timeout]);
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
await cluster?.stop().catch((error) => console.error('[host] stopping the cluster:', error instanceof Error ? error.message : error));
if (await session.finish({ keep: exitCode !== 0 || Boolean(process.env.KEEP_LOGS) })) {
  say(`logs kept in ${session.dir} (code-server.log, browser-console.log, mocha.log, ud/logs/*/exthost*/)`);
}
process.exit(exitCode);
