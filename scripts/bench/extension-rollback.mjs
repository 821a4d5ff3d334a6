// @ts-check
// The extension's side of issue #20: in a freshly activated window, the time from the Rollback… command
// to its first API call. Each round starts code-server and opens the workbench in headless Chromium (as
// the activation part does, test/host/session.mjs) on a repository whose rolling target is the CLI
// bench's Deployment, with the production build as the extension and a small test entry that, once the
// extension is active, runs `hotfixDeployer.rollback` with `{ target, confirmed, immediate }` and notes
// when (wall clock). The logging relay in front of the API server (cli-measure.mjs) notes when the first
// request after that arrives. Then the Deployment rolls out (untimed) and everything is closed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { missingFiles, Session } from '../../test/host/session.mjs';
import { stat } from './cli.mjs';

/** The test entry the workbench runs (extensionTestsPath): activate, roll back, write what happened. */
const ENTRY = `'use strict';
const vscode = require('vscode');
const { writeFileSync } = require('node:fs');
exports.run = async function run() {
  const out = process.env.HOTFIX_BENCH_RESULT;
  try {
    await vscode.extensions.getExtension('hotfix-deployer.hotfix-deployer').activate();
    const start = performance.timeOrigin + performance.now();
    const result = await vscode.commands.executeCommand('hotfixDeployer.rollback', { target: process.env.HOTFIX_BENCH_TARGET, confirmed: true, immediate: true });
    writeFileSync(out, JSON.stringify({ start, end: performance.timeOrigin + performance.now(), result }));
  } catch (error) {
    writeFileSync(out, JSON.stringify({ error: String((error && error.stack) || error) }));
  }
};
`;

/**
 * @param {{
 *   builds: { key: string, label: string, dir: string }[], rounds: number, folder: string, repo: string, target: string,
 *   relay: { kubeconfig: string, reset: () => void, firstRequestAfter: (wall: number) => number },
 *   settle: () => Promise<void>, table: import('./cli.mjs').Table,
 * }} o
 * @returns {Promise<string[]>} the lines for the summary
 */
export async function benchExtensionRollback(o) {
  const missing = missingFiles();
  if (missing.length > 0) {
    const why = `not measured, the extension host is not installed (${missing.map(([file, fix]) => `${file}: ${fix}`).join('; ')})`;
    console.log(`\nextension: Rollback… in a freshly activated window: ${why}`);
    return [`extension, Rollback… to its first API call: ${why}`];
  }
  mkdirSync(o.folder, { recursive: true });
  const entry = path.join(o.folder, 'bench-entry.js');
  writeFileSync(entry, ENTRY);
  console.log(`\nextension: Rollback… of target ${o.target} in a freshly activated window (code-server + headless Chromium, the production build), ${o.rounds} rounds per build, interleaved`);
  /** @type {Record<string, import('./cli.mjs').Sample[]>} */
  const samples = Object.fromEntries(o.builds.map((b) => [b.key, []]));
  for (let round = 0; round < o.rounds; round++) {
    for (let i = 0; i < o.builds.length; i++) {
      const build = /** @type {typeof o.builds[0]} */ (o.builds[(round + i) % o.builds.length]);
      samples[build.key]?.push(await once(o, build, entry));
      await o.settle();
    }
    process.stdout.write(round + 1 === o.rounds ? '\n' : '.');
  }
  const fmt = (/** @type {number} */ ms) => ms.toFixed(1);
  console.log(
    o.table([
      ['build', 'runs', 'command -> first API call, median ms', 'min ms', 'max ms', 'command -> returned, median ms'],
      ...o.builds.map((b) => {
        const got = samples[b.key] ?? [];
        const first = stat(got, 'firstMs');
        return [b.label, String(got.length), fmt(first.median), fmt(first.min), fmt(Math.max(...got.map((s) => s.firstMs ?? NaN))), fmt(stat(got).median)];
      }),
    ]),
  );
  const first = stat(samples[o.builds[0]?.key ?? ''] ?? [], 'firstMs');
  return [`extension, Rollback… in a freshly activated window to its first API call: ${fmt(first.median)} ms at the median of ${first.runs} (no reference, no goal)`];
}

/**
 * One fresh window: ms from the command to its first API call (firstMs) and to its return (ms).
 * @param {Parameters<typeof benchExtensionRollback>[0]} o @param {{ label: string, dir: string }} build @param {string} entry
 * @returns {Promise<import('./cli.mjs').Sample>}
 */
async function once(o, build, entry) {
  const session = new Session({ prefix: 'bench-ext-' }); // short: Chromium's socket path in it has a length limit
  let ok = false;
  try {
    const result = session.file('result.json');
    o.relay.reset();
    await session.startServer({ env: { KUBECONFIG: o.relay.kubeconfig, HOTFIX_BENCH_RESULT: result, HOTFIX_BENCH_TARGET: o.target } });
    await session.openWorkbench({ folder: o.repo, extensionTestsPath: entry, extensionPath: build.dir });
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`the workbench did not finish within 180 s; logs kept in ${session.dir}`)), 180_000).unref());
    await Promise.race([session.exited, timeout]);
    const done = JSON.parse(readFileSync(result, 'utf8'));
    if (done.error || done.result?.ok !== true) throw new Error(`${build.label}: Rollback… failed: ${done.error ?? JSON.stringify(done.result)}; logs kept in ${session.dir}`);
    ok = true;
    return { ms: done.end - done.start, firstMs: o.relay.firstRequestAfter(done.start) };
  } finally {
    await session.finish({ keep: !ok });
  }
}
