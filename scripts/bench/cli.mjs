// @ts-check
// The CLI half of `npm run bench` (issue #20): the whole `hotfix-deployer` process, node start included,
// from the production build, against the command a person would otherwise type, on the same machine and
// interleaved in one run: --version and --help against `kubectl version --client`, status on the
// 10,000-tag repository against the bare git that does its work, rollback of a rolling and a blue-green
// target against `kubectl rollout undo` on the same Deployment, and deploy up to its first API write
// (scripts/bench/cli-cluster.mjs). Each figure: the median and p90 of the wall time, the ratio to the
// reference, and the median peak memory. Goal: each within 1.5x of its reference at the median.
// The CLI runs with its code cache in a folder of the bench's (warmed by the warm-up rounds), and once
// more with it off (NODE_DISABLE_COMPILE_CACHE=1: a first run, or a home it cannot write); `--baseline=DIR`
// also times another checkout's production build (its own bundles), for before/after figures.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureFixture } from './fixture.mjs';
import { bareGitStatus, killChildren, measuresMemory, runProcess } from './cli-measure.mjs';
import { pristine, summary } from './measure.mjs';
import { CACHE } from '../../test/host/session.mjs';

/**
 * A second runtime for the CLI: the Node 24 (the current LTS) that test/host/setup-vscode-host.sh keeps
 * from the npm registry, when it is there. Node 20 (this machine's, past its end of life) reads
 * NODE_EXTRA_CA_CERTS as it starts, which Node 22 and later do on first use only: where that variable is
 * set, the runtime alone decides much of a CLI run, and both are shown.
 */
const NODE24 = path.join(process.env['VSHOST'] || path.join(CACHE, 'vscode-host'), 'node/bin/node');

export const GOAL = 1.5;

/**
 * @typedef {{ ms: number, rssKiB?: number, writeMs?: number, firstMs?: number, before?: number }} Sample
 * @typedef {{ key: string, label: string, run: () => Promise<Sample>, after?: () => Promise<void> }} Measure
 * @typedef {(rows: string[][]) => string} Table
 * @typedef {{ key: string, label: string, node: string, runtime: string, cli: string, env: NodeJS.ProcessEnv }} Variant one CLI build on one runtime (`node v24.1.0`), as a person runs it
 * @typedef {{ what: string, ratio: number, detail: string }} Goal
 */

/**
 * Every measure once per round, in a rotating order; the warm-up rounds are not kept.
 * @param {Measure[]} measures @param {number} warmup @param {number} iterations @returns {Promise<Record<string, Sample[]>>}
 */
export async function rounds(measures, warmup, iterations) {
  /** @type {Record<string, Sample[]>} */
  const samples = Object.fromEntries(measures.map((m) => [m.key, []]));
  for (let round = 0; round < warmup + iterations; round++) {
    for (let i = 0; i < measures.length; i++) {
      const measure = /** @type {Measure} */ (measures[(round + i) % measures.length]);
      const sample = await measure.run();
      await measure.after?.();
      if (round >= warmup) samples[measure.key]?.push(sample);
    }
    process.stdout.write(round + 1 === warmup + iterations ? '\n' : '.');
  }
  return samples;
}

/** @param {Sample[]} samples @param {'ms' | 'rssKiB' | 'writeMs' | 'firstMs' | 'before'} [field] */
export function stat(samples, field = 'ms') {
  return summary(samples.map((s) => s[field]).filter(/** @returns {v is number} */ (v) => typeof v === 'number' && !Number.isNaN(v)));
}

const fmt = (/** @type {number} */ ms) => (Number.isNaN(ms) ? '-' : ms.toFixed(1));
const x = (/** @type {number} */ r) => (Number.isNaN(r) ? '-' : `${r.toFixed(2)}x`);
const mib = (/** @type {number} */ kib) => (Number.isNaN(kib) ? '-' : (kib / 1024).toFixed(1));

/**
 * A table of measures with their ratio to the reference's median, and the goal rows' verdicts.
 * @param {Record<string, Sample[]>} samples @param {Measure[]} measures @param {string} reference
 * @param {Record<string, string>} goals the measure keys that carry a goal, with the goal's name
 * @param {Table} table @returns {Goal[]}
 */
export function report(samples, measures, reference, goals, table) {
  const ref = stat(samples[reference] ?? []).median;
  const rows = [['measure', 'runs', 'median ms', 'p90 ms', 'min ms', 'vs reference', 'peak MiB', 'goal']];
  /** @type {Goal[]} */
  const verdicts = [];
  for (const m of measures) {
    const s = stat(samples[m.key] ?? []);
    const ratio = s.median / ref;
    const goal = goals[m.key];
    if (goal !== undefined) verdicts.push({ what: goal, ratio, detail: `${fmt(s.median)} vs ${fmt(ref)} ms` });
    rows.push([m.label, String(s.runs), fmt(s.median), fmt(s.p90), fmt(s.min), m.key === reference ? 'reference' : x(ratio), mib(stat(samples[m.key] ?? [], 'rssKiB').median), goal === undefined ? '' : `<= ${GOAL}x: ${ratio <= GOAL ? 'met' : 'MISSED'}`]);
  }
  console.log(table(rows));
  return verdicts;
}

/**
 * @param {{ projectRoot: string, dist: string, baselineDist?: string, iterations: number, warmup: number, activations: number, table: Table }} options
 * @returns {Promise<{ met: boolean }>}
 */
export async function benchCli(options) {
  const { iterations, warmup, table } = options;
  const dir = mkdtempSync(path.join(tmpdir(), 'hotfix-bench-cli-'));
  const interrupted = () => {
    killChildren();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', interrupted);
  try {
    const kubectl = version(['kubectl', 'version', '--client', '--output=json'], (out) => JSON.parse(out).clientVersion?.gitVersion);
    const goalKeys = existsSync(NODE24) ? ['new', 'new24'] : ['new'];
    const git = version(['git', '--version'], (out) => out.trim());
    console.log(
      `\nhotfix-deployer bench: the CLI process (issue #20), production build${options.baselineDist ? ` and the baseline's (${options.baselineDist})` : ''}; ` +
        `${kubectl ? `kubectl ${kubectl}` : 'no kubectl on PATH'}, ${git}, node ${process.version}, ${availableParallelism()} CPUs; ` +
        `peak memory ${measuresMemory ? 'by GNU time (%M) around every process, the references too' : 'not measured (no /usr/bin/time)'}`,
    );
    const node = process.execPath;
    const node24 = existsSync(NODE24) ? NODE24 : undefined;
    const on = (/** @type {string} */ runtime) => `node ${runtime === node ? process.version : version([runtime, '--version'], (out) => out.trim())}`;
    /** @type {Variant[]} */
    const variants = [
      { key: 'new', label: `(a) hotfix-deployer, ${on(node)}`, node, runtime: on(node), cli: path.join(options.dist, 'cli.js'), env: { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache') } },
      { key: 'off', label: "(a') the same, caches off", node, runtime: on(node), cli: path.join(options.dist, 'cli.js'), env: { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache'), NODE_DISABLE_COMPILE_CACHE: '1' } },
    ];
    if (node24) variants.push({ key: 'new24', label: `(a24) hotfix-deployer, ${on(node24)}`, node: node24, runtime: on(node24), cli: path.join(options.dist, 'cli.js'), env: { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache') } });
    if (options.baselineDist) variants.push({ key: 'base', label: `(a0) baseline, ${on(node)}`, node, runtime: on(node), cli: path.join(options.baselineDist, 'cli.js'), env: { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache-baseline') } });
    console.log(`timing: ${warmup} warm-up + ${iterations} measured rounds per group; each round runs every measure once, in a rotating order; the code cache in ${path.join(dir, 'cache')}, warmed by the warm-up rounds`);

    /** @type {Goal[]} */
    const goals = [];
    goals.push(...(await startup(variants, kubectl !== undefined, goalKeys, options)));
    goals.push(...(await status(variants, goalKeys, options)));
    const { benchCliCluster } = await import('./cli-cluster.mjs'); // loads client-node and the test cluster's script
    const cluster = await benchCliCluster({ variants, goalKeys, kubectl: kubectl !== undefined, dir, iterations, warmup, activations: options.activations, table });
    goals.push(...cluster.goals);

    console.log(`\ngoals (issue #20), the CLI process with its code cache at the median, against its reference:`);
    for (const g of goals) console.log(`  ${g.what} within ${GOAL}x: ${g.ratio <= GOAL ? 'met' : 'MISSED'} (${x(g.ratio)}, ${g.detail})`);
    for (const line of cluster.notes) console.log(`  ${line}`);
    const unmeasured = kubectl === undefined ? ['--version and --help against kubectl version --client, and both rollbacks: not measured, kubectl is not on PATH'] : [];
    for (const line of unmeasured) console.log(`  ${line}: MISSED`);
    return { met: unmeasured.length === 0 && goals.every((g) => g.ratio <= GOAL) };
  } finally {
    process.off('exit', interrupted);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** @param {string[]} argv @param {(out: string) => string | undefined} pick */
function version(argv, pick) {
  try {
    return pick(execFileSync(/** @type {string} */ (argv[0]), argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch {
    return undefined;
  }
}

/**
 * The goal rows of a group: each runtime's build with its caches (`goalKeys`), by what the goal is named.
 * @param {string[]} goalKeys @param {Variant[]} variants @param {string} what @param {string} [suffix] the measure key's end
 */
export function goalsOf(goalKeys, variants, what, suffix = '') {
  return Object.fromEntries(goalKeys.map((key) => [`${key}${suffix}`, `${what} (${variants.find((v) => v.key === key)?.runtime ?? key})`]));
}

/**
 * `--version` and `--help`, against `kubectl version --client`; node's own start beside them, with and
 * without NODE_EXTRA_CA_CERTS when it is set. @param {Variant[]} variants @param {boolean} kubectl @param {string[]} goalKeys
 */
async function startup(variants, kubectl, goalKeys, { iterations, warmup, table }) {
  /** @type {Measure[]} */
  const measures = [];
  for (const v of variants) {
    for (const flag of ['--version', '--help']) {
      measures.push({ key: `${v.key}${flag}`, label: `${v.label} ${flag}`, run: () => runProcess([v.node, v.cli, flag], { env: v.env }) });
    }
  }
  for (const [runtime, name] of new Map(variants.map((v) => [v.node, v.runtime]))) {
    measures.push({ key: `node-${runtime}`, label: `(n) ${name} -e 0: node's own start, no CLI`, run: () => runProcess([runtime, '-e', '0']) });
    if (process.env['NODE_EXTRA_CA_CERTS']) measures.push({ key: `node-bare-${runtime}`, label: `(n') the same, NODE_EXTRA_CA_CERTS unset`, run: () => runProcess([runtime, '-e', '0'], { env: { ...process.env, NODE_EXTRA_CA_CERTS: '' } }) });
  }
  if (kubectl) measures.push({ key: 'kubectl', label: '(b) kubectl version --client', run: () => runProcess(['kubectl', 'version', '--client']) });
  console.log('\nstart-up: the process prints its version or its help and exits');
  if (process.env['NODE_EXTRA_CA_CERTS']) console.log(`NODE_EXTRA_CA_CERTS is set (${process.env['NODE_EXTRA_CA_CERTS']}): every node process reads those certificates as it starts, before any of the CLI's code`);
  const samples = await rounds(measures, warmup, iterations);
  return report(samples, measures, kubectl ? 'kubectl' : 'new--version', kubectl ? { ...goalsOf(goalKeys, variants, '--version', '--version'), ...goalsOf(goalKeys, variants, '--help', '--help') } : {}, table);
}

/** `status` on the 10,000-tag repository, against the bare git doing its work. @param {Variant[]} variants @param {string[]} goalKeys */
async function status(variants, goalKeys, { iterations, warmup, table }) {
  const fixture = await ensureFixture({ log: (line) => console.log(line) });
  pristine(fixture);
  /** @type {Measure[]} */
  const measures = variants.map((v) => ({
    key: v.key,
    label: `${v.label} status`,
    run: async () => {
      const done = await runProcess([v.node, v.cli, 'status'], { cwd: fixture.work, env: v.env });
      if (!done.stdout.includes(`release ${fixture.expected.name}`)) throw new Error(`status: expected release ${fixture.expected.name}:\n${done.stdout}`);
      return done;
    },
  }));
  measures.push({ key: 'git', label: '(b) bare git: rev-parse, tag --merged --sort, log -1, for-each-ref hotfix/', run: () => bareGitStatus(fixture) });
  console.log(`\nstatus on ${fixture.work} (10,000 tags, 20,000 commits): the production release and the hotfix branches`);
  const samples = await rounds(measures, warmup, iterations);
  return report(samples, measures, 'git', goalsOf(goalKeys, variants, 'status'), table);
}
