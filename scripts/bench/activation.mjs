// @ts-check
// The activation benchmark (issue #8): the extension's own activation time in the real extension host,
// and the sizes of what ships. Each round starts code-server and opens the workbench in headless
// Chromium (test/host/session.mjs) on a fresh git repository with a .hotfix/config.yaml, so the
// extension activates on `workspaceContains`, from the production build; it reads the line
// `activated in N ms` that activate() writes to its log (performance.now() around its body: the
// extension's own time), then closes everything. That figure leaves out the host reading and
// evaluating dist/extension.js, so the same bundle's require() time is also reported, measured with
// the host's Node outside the host (with a stand-in `vscode` module): no target, for honesty.
// Targets: own activation under 20 ms (median), main bundle under 500 KB without its chunks, .vsix under 3 MB.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CACHE, missingFiles, Session } from '../../test/host/session.mjs';
import { createWorkspace } from '../../test/host/workspace.mjs';
import { packageVsix } from './bundles.mjs';

export const TARGETS = { activationMs: 20, extensionBytes: 500 * 1000, vsixBytes: 3 * 1000 * 1000 };
const NODE24 = path.join(process.env.VSHOST || path.join(CACHE, 'vscode-host'), 'node/bin/node');
const LINE = /activated in ([\d.]+) ms/;

/** @param {number[]} xs */
const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

/** Every file under `dir` (the host's logs). @param {string} dir @returns {string[]} */
function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** One fresh code-server + workbench; resolves with activate()'s own ms. @param {string} extensionPath */
async function activateOnce(extensionPath) {
  const session = new Session({ prefix: 'bench-activation-' });
  let ok = false;
  try {
    const workspace = createWorkspace(session.file('ws'));
    mkdirSync(path.join(workspace, '.hotfix'), { recursive: true });
    writeFileSync(path.join(workspace, '.hotfix', 'config.yaml'), 'targets:\n  staging:\n    namespace: shop\n    app: checkout\n');
    // A kubeconfig that does not exist: activation must not need one (the host test proves it reads no cluster).
    await session.startServer({ env: { KUBECONFIG: session.file('no-kubeconfig') } });
    await session.openWorkbench({ folder: workspace, extensionPath });
    const end = Date.now() + 120_000;
    while (Date.now() < end) {
      for (const file of files(session.file('ud', 'logs')).filter((f) => f.includes('hotfix-deployer'))) {
        const found = LINE.exec(readFileSync(file, 'utf8'));
        if (found) {
          ok = true;
          return Number(found[1]);
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the extension did not log "activated in" within 120 s; logs kept in ${session.dir}`);
  } finally {
    await session.finish({ keep: !ok });
  }
}

/**
 * require() of the bundle with the host's Node, timed inside the process, with a stand-in for `vscode`
 * (a callable, constructible proxy): the code-loading part that activate()'s own time leaves out.
 * @param {string} bundle @returns {number}
 */
export function requireMs(bundle) {
  const script = `
    const Module = require('node:module');
    // The bundle copies the module's own keys and inherits the rest: every name, through the prototype, is the stand-in.
    const stub = new Proxy(function () {}, { get: (t, k) => (k === '__esModule' ? false : k === Symbol.toPrimitive ? () => '' : stub), apply: () => stub, construct: () => stub, getPrototypeOf: () => stub });
    const load = Module._load;
    Module._load = function (request, ...rest) { return request === 'vscode' ? stub : load.call(this, request, ...rest); };
    const t0 = performance.now();
    require(${JSON.stringify(bundle)});
    process.stdout.write(String(performance.now() - t0));`;
  return Number(execFileSync(existsSync(NODE24) ? NODE24 : process.execPath, ['-e', script], { encoding: 'utf8' }));
}

/**
 * @param {{ build: { dir: string, dist: string, sizes: { file: string, bytes: number, gzip: number }[] }, rounds: number, table: (rows: string[][]) => string }} options
 * @returns {Promise<{ met: boolean }>}
 */
export async function benchActivation({ build, rounds, table }) {
  console.log(`\nhotfix-deployer bench: activation and size (issue #8), production build, ${rounds} fresh code-server + workbench starts`);
  const missing = missingFiles();
  if (missing.length > 0) {
    throw new Error(`the extension host is not installed: ${missing.map(([file, fix]) => `${file} (${fix})`).join('; ')}`);
  }
  /** @type {number[]} */ const own = [];
  for (let i = 0; i < rounds; i++) {
    own.push(await activateOnce(build.dir));
    process.stdout.write(i + 1 === rounds ? '\n' : '.');
  }
  const bundle = path.join(build.dist, 'extension.js');
  /** @type {number[]} */ const load = [];
  for (let i = 0; i < rounds; i++) load.push(requireMs(bundle));
  const vsix = packageVsix(build);

  const fmt = (ms) => ms.toFixed(1);
  const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
  const mark = (met) => (met ? 'met' : 'MISSED');
  const extension = build.sizes.find((s) => s.file === 'dist/extension.js')?.bytes ?? NaN;
  const activationMet = median(own) < TARGETS.activationMs;
  const sizeMet = extension < TARGETS.extensionBytes;
  const vsixMet = vsix.bytes < TARGETS.vsixBytes;
  console.log(table([
    ['measure', 'median', 'min', 'max', 'target', 'verdict'],
    [`activate() own time, real host (${rounds} starts; runs: ${own.map(fmt).join(', ')} ms)`, `${fmt(median(own))} ms`, `${fmt(Math.min(...own))} ms`, `${fmt(Math.max(...own))} ms`, `< ${TARGETS.activationMs} ms`, mark(activationMet)],
    [`require(dist/extension.js), host's Node, outside the host (${rounds} runs)`, `${fmt(median(load))} ms`, `${fmt(Math.min(...load))} ms`, `${fmt(Math.max(...load))} ms`, '-', '-'],
  ]));
  console.log(table([
    ['shipped (node scripts/build.mjs --production; vsce package --no-dependencies)', 'bytes', 'size', 'gzip -9', 'target', 'verdict'],
    ...build.sizes.map((s) => [
      s.file + (s.file === 'dist/extension.js' ? ' (main bundle, chunks apart)' : s.file === 'dist/cli.js' || s.file === 'dist/webview.js' ? '' : s.file.startsWith('dist/cli-') ? ' (the CLI, loaded by dist/cli.js)' : ' (chunk, loaded on first use)'),
      String(s.bytes), kb(s.bytes), kb(s.gzip),
      s.file === 'dist/extension.js' ? `< ${kb(TARGETS.extensionBytes)}` : '-',
      s.file === 'dist/extension.js' ? mark(sizeMet) : '-',
    ]),
    ['hotfix-deployer.vsix', String(vsix.bytes), kb(vsix.bytes), '-', `< ${kb(TARGETS.vsixBytes)}`, mark(vsixMet)],
  ]));
  return { met: activationMet && sizeMet && vsixMet };
}
