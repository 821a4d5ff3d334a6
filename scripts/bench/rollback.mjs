// @ts-check
// The rollback half of `npm run bench` (issue #4): rollback latency per strategy, from the command to
// traffic restored, side by side with `kubectl rollout undo` and with one bare client-node PATCH, in one
// run, against the project's test control plane (started here, stopped at the end and on Ctrl-C).
// Targets: blue-green rollback within 1.2x of one bare PATCH; rolling undo faster than the kubectl process.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { stopCluster } from '../../test/kube/cluster.mjs';
import { summary } from './measure.mjs';
import {
  barePatchSelector,
  bareUndo,
  cliRollback,
  criticalPath,
  engineRollback,
  keepAlive,
  killChildren,
  kubectlUndo,
  loadDeployEngine,
  processPieces,
  profileRollback,
  rolledOut,
  sketchSwitchBack,
  traceWrites,
  undoPatch,
} from './rollback-measure.mjs';
import { BLUE_GREEN, clients, createApps, createRepo, findKubectl, KUBE_VERSION, ROLLING, SELECTOR, startBenchCluster, stopOnSignal } from './rollback-setup.mjs';

export const BLUE_GREEN_TARGET = 1.2;
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const fmt = (/** @type {number} */ ms) => ms.toFixed(1);
const x = (/** @type {number} */ r) => `${r.toFixed(2)}x`;
const kib = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

/**
 * @typedef {{ ms: number, restoredMs?: number, engineMs?: number, availableMs?: number }} Sample
 * @typedef {{ key: string, label: string, prepare?: () => Promise<any>, run: (prepared: any) => Promise<Sample>, check: () => Promise<void> }} Measure
 * @typedef {(rows: string[][]) => string} Table
 */

/**
 * Runs every measure once per round, in a rotating order (as the create bench does), warm-up rounds not kept.
 * @param {Measure[]} measures @param {number} warmup @param {number} iterations
 */
async function rounds(measures, warmup, iterations) {
  /** @type {Record<string, Sample[]>} */
  const samples = Object.fromEntries(measures.map((m) => [m.key, []]));
  for (let round = 0; round < warmup + iterations; round++) {
    for (let i = 0; i < measures.length; i++) {
      const measure = /** @type {Measure} */ (measures[(round + i) % measures.length]);
      const prepared = await measure.prepare?.();
      const sample = await measure.run(prepared);
      await measure.check();
      if (round >= warmup) samples[measure.key]?.push(sample);
    }
    process.stdout.write(round + 1 === warmup + iterations ? '\n' : '.');
  }
  return samples;
}

/**
 * @param {Record<string, Sample[]>} samples @param {string} key @param {'ms' | 'restoredMs' | 'engineMs' | 'availableMs'} field
 */
function stat(samples, key, field = 'ms') {
  return summary((samples[key] ?? []).map((s) => s[field]).filter(/** @returns {v is number} */ (v) => typeof v === 'number' && !Number.isNaN(v)));
}

/**
 * Table rows: each [label, key, field], with ratios against the floor's median and p90.
 * @param {Record<string, Sample[]>} samples @param {[string, string, 'ms' | 'restoredMs' | 'availableMs'][]} rows
 * @param {{ key: string, name: string }} floor @param {Table} table @param {(key: string) => string} [extra]
 */
function report(samples, rows, floor, table, extra) {
  const base = stat(samples, floor.key);
  const head = ['measure', 'runs', 'median ms', 'p90 ms', 'min ms', `median vs ${floor.name}`, `p90 vs ${floor.name}`];
  /** @type {string[][]} */
  const body = rows.map(([label, key, field]) => {
    const s = stat(samples, key, field);
    return [label, String(s.runs), fmt(s.median), fmt(s.p90), fmt(s.min), x(s.median / base.median), x(s.p90 / base.p90)];
  });
  if (extra) {
    head.push(extra(''));
    rows.forEach(([, key], i) => body[i]?.push(extra(key)));
  }
  return table([head, ...body]);
}

const PROFILES = 5;

/**
 * Profiles several runs and keeps the one whose total time is the median: one run alone can be an outlier.
 * @param {() => Promise<Awaited<ReturnType<typeof profileRollback>>>} once
 */
async function medianProfile(once) {
  const runs = [];
  for (let i = 0; i < PROFILES; i++) runs.push(await once());
  return /** @type {Awaited<ReturnType<typeof profileRollback>>} */ (runs.sort((a, b) => a.ms - b.ms)[Math.floor(PROFILES / 2)]);
}

/**
 * The profile as a table, nested (port call > client-node request), in start order; and the critical path.
 * @param {Awaited<ReturnType<typeof profileRollback>>} profile @param {(c: import('./rollback-measure.mjs').Call) => boolean} isWrite @param {string} marker @param {Table} table
 */
function printProfile(profile, isWrite, marker, table) {
  const byId = new Map(profile.calls.map((c) => [c.id, c]));
  const depth = (/** @type {import('./rollback-measure.mjs').Call} */ c) => {
    let d = 0;
    for (let p = c.parent; p !== undefined; p = byId.get(p)?.parent) d++;
    return d;
  };
  const crit = criticalPath(profile.calls, isWrite);
  const rows = profile.calls.map((c) => [
    `${'  '.repeat(depth(c))}${c.name}${c.detail ? ` ${c.detail}` : ''}${c === crit?.write ? `  <- ${marker}` : ''}`,
    fmt(c.start),
    fmt(c.end),
    fmt(c.end - c.start),
  ]);
  console.log(table([['call, in start order (port > client-node request; files)', 'start ms', 'end ms', 'ms'], ...rows]));
  if (!crit) return;
  const requests = profile.calls.filter((c) => c.kind === 'api').length;
  const rounds = crit.rounds.map((r) => `${r.map((c) => c.name.replace(/Namespaced/, '')).join(' + ')} (${fmt(Math.max(...r.map((c) => c.end)) - Math.min(...r.map((c) => c.start)))} ms)`);
  console.log(
    `${requests} API requests (each a new TLS connection with client-node 1.x); before the write ${crit.rounds.length} sequential round(s): ${rounds.join(' -> ')}; ` +
      `the write ${fmt(crit.write.end - crit.write.start)} ms, done at ${fmt(crit.write.end)} ms; after it ${crit.after.length} request(s), ${fmt(profile.ms - crit.write.end)} ms to return.`,
  );
}

/**
 * @param {{ projectRoot: string, iterations: number, warmup: number, cli?: string, table: Table }} options
 * @returns {Promise<{ met: boolean }>}
 */
export async function benchRollback(options) {
  const { iterations, warmup, table } = options;
  const engine = loadDeployEngine(options.projectRoot);
  const kubectl = findKubectl();
  console.log(
    `\nhotfix-deployer bench: rollback latency, kube-apiserver v${KUBE_VERSION} (test control plane on 127.0.0.1), ` +
      `${kubectl ? `kubectl ${kubectl.version} (${kubectl.path})` : 'no kubectl on PATH'}, node ${process.version}, ${availableParallelism()} CPUs`,
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'hotfix-bench-rollback-'));
  /** @type {import('../../test/kube/cluster.mjs').ClusterHandle | undefined} */
  let handle;
  /** @type {{ destroy: () => void }[]} */
  const agents = [];
  let keep = false;
  /** @type {Promise<void> | undefined} */
  let cleaning;
  const cleanup = () =>
    (cleaning ??= (async () => {
      killChildren();
      for (const agent of agents) agent.destroy();
      if (handle) await stopCluster(handle);
      if (keep) console.error(`rollback bench: the cluster's logs are kept in ${path.join(dir, 'cluster', 'logs')}`);
      else rmSync(dir, { recursive: true, force: true });
    })());
  const signals = stopOnSignal(cleanup);
  try {
    handle = await startBenchCluster(dir, (line) => console.log(line));
    const kubeconfig = handle.kubeconfig;
    const k = clients(kubeconfig);
    // The bench's own polling and resets: over one kept-alive connection, to load the server less.
    const quiet = clients(kubeconfig);
    agents.push(keepAlive(quiet.kc));
    const namespace = await createApps(k);
    const repo = createRepo(dir, namespace);
    console.log(`cluster up in ${(handle.startupMs / 1000).toFixed(1)} s at ${handle.server}; namespace ${namespace}; targets in ${path.join(repo, '.hotfix', 'config.yaml')}`);

    /** Opens a target as the CLI does (openDeploy: repository, config, kubeconfig, client-node cluster). @param {string} target @param {{ keepAlive?: boolean }} [o] */
    const open = async (target, o = {}) => {
      const opened = await engine.openDeploy(repo, target, { kubeconfig });
      if (!opened.ok) throw new Error(`openDeploy ${target}: ${opened.reason} ${opened.hint ?? ''}`);
      if (o.keepAlive) agents.push(keepAlive(opened.value.kube.kc));
      return opened.value;
    };

    // The CLI's code cache in the bench's folder: warmed by the warm-up rounds, gone with the folder.
    const cliEnv = { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache') };
    const bg = await blueGreen({ engine, open, k, quiet, namespace, repo, kubeconfig, cli: options.cli, cliEnv, iterations, warmup, table });
    const rolling = await rollingUndo({ engine, open, k, quiet, namespace, repo, kubeconfig, cli: options.cli, cliEnv, kubectl: kubectl?.path, cacheDir: path.join(dir, 'kubectl-cache'), iterations, warmup, table });
    if (options.cli) await cliPieces(options.cli, engine, repo, kubeconfig, rolling.cliMs, table, cliEnv);
    return { met: bg.met && rolling.met };
  } catch (error) {
    // Interrupted: the requests in flight fail as the cluster stops; the signal handler exits.
    if (signals.stopping()) await new Promise(() => undefined);
    keep = handle !== undefined;
    throw error;
  } finally {
    signals.off();
    await cleanup();
  }
}

/**
 * @typedef {{
 *   engine: import('./rollback-measure.mjs').DeployEngine, open: (target: string, o?: { keepAlive?: boolean }) => Promise<any>,
 *   k: ReturnType<typeof clients>, quiet: ReturnType<typeof clients>, namespace: string, repo: string, kubeconfig: string,
 *   cli?: string, cliEnv: NodeJS.ProcessEnv, iterations: number, warmup: number, table: Table,
 * }} Scene
 */

/** @param {Scene} s */
async function blueGreen(s) {
  const { engine, namespace, table } = s;
  const { app, service, target } = BLUE_GREEN;
  const engineCtx = await s.open(target);
  const engineWrites = traceWrites(engineCtx.context.cluster);
  const kept = await s.open(target, { keepAlive: true });
  const keptWrites = traceWrites(kept.context.cluster);
  const sketch = await s.open(target);
  const sketchKept = await s.open(target, { keepAlive: true });
  const sketchCore = sketch.kube.kc.makeApiClient(CoreV1Api);
  const sketchKeptCore = sketchKept.kube.kc.makeApiClient(CoreV1Api);

  // Every measure starts with green live and must leave blue live; then green is put back, untimed.
  const check = async () => {
    const selector = (await s.quiet.core.readNamespacedService({ name: service, namespace })).spec?.selector;
    if (JSON.stringify(selector) !== JSON.stringify(SELECTOR.blue)) throw new Error(`expected Service ${service} to select ${JSON.stringify(SELECTOR.blue)}, found ${JSON.stringify(selector)}`);
    await s.quiet.core.patchNamespacedService({ name: service, namespace, body: { spec: { selector: SELECTOR.green } } }, merge);
  };
  /** @type {Measure[]} */
  const measures = [
    { key: 'engine', label: '(a) engine', run: () => engineRollback(engine, engineCtx, engineWrites, { immediate: true }), check },
    { key: 'bare', label: '(b) bare PATCH', run: () => barePatchSelector(s.k.core, namespace, service, SELECTOR.blue), check },
    { key: 'kept', label: '(w1)', run: () => engineRollback(engine, kept, keptWrites, { immediate: true }), check },
    { key: 'sketchSeq', label: '(w2)', run: () => sketchSwitchBack(engine, sketch, sketchCore, { parallel: false }), check },
    { key: 'sketchPar', label: '(w3)', run: () => sketchSwitchBack(engine, sketch, sketchCore, { parallel: true }), check },
    { key: 'sketchParKept', label: '(w4)', run: () => sketchSwitchBack(engine, sketchKept, sketchKeptCore, { parallel: true }), check },
    { key: 'bareKept', label: '(b2)', run: () => barePatchSelector(s.quiet.core, namespace, service, SELECTOR.blue), check },
  ];
  const { cli } = s;
  if (cli) measures.push({ key: 'cli', label: '(c) CLI', run: () => cliRollback(cli, { repo: s.repo, target, kubeconfig: s.kubeconfig, env: s.cliEnv }), check });

  console.log(`\nblue-green: ${app}-blue and ${app}-green (${BLUE_GREEN.replicas} replicas each) behind Service ${service}; each measure switches it from green back to blue, then green is put back (untimed)`);
  console.log(`timing: ${s.warmup} warm-up + ${s.iterations} measured rounds; each round runs every measure once, in a rotating order`);
  const samples = await rounds(measures, s.warmup, s.iterations);

  /** @type {[string, string, 'ms' | 'restoredMs'][]} */
  const rows = [
    ['(a) engine rollback(ctx, { immediate, confirmed }): call -> selector PATCH returned (traffic restored)', 'engine', 'restoredMs'],
    ['(a) engine rollback(): call -> returned (lock released, audit written)', 'engine', 'ms'],
    ['(b) one bare client-node merge PATCH of the Service selector (the floor)', 'bare', 'ms'],
  ];
  if (cli) rows.push([`(c) CLI process: node dist/cli.js rollback --target=${target} --immediate --yes (production build)`, 'cli', 'ms']);
  console.log(`\n${report(samples, rows, { key: 'bare', name: '(b)' }, table)}`);
  if (cli) console.log(`(c) includes the engine's own rollback as the CLI reports it (--json ms): median ${fmt(stat(samples, 'cli', 'engineMs').median)} ms; the rest is node start, loading dist/cli.js and dist/kube.js, git, config and kubeconfig.`);
  const ratio = stat(samples, 'engine', 'restoredMs').median / stat(samples, 'bare').median;
  const met = ratio <= BLUE_GREEN_TARGET;
  console.log(`\ntarget (issue #4): blue-green, (a) traffic restored within ${BLUE_GREEN_TARGET}x of (b) at the median: ${met ? 'MET' : 'NOT MET'} (${x(ratio)})`);

  console.log('\nwhat-if, same rounds (bench-only sketches of design changes; src/ is untouched), call -> traffic restored:');
  console.log(
    report(
      samples,
      [
        ['(w1) engine as it is, client-node agent kept alive (one TLS connection reused)', 'kept', 'restoredMs'],
        ['(w2) lock, then the reads, then one merge patch with resourceVersion (no GET inside the switch)', 'sketchSeq', 'restoredMs'],
        ['(w3) lock and reads in one parallel round, then the same one patch', 'sketchPar', 'restoredMs'],
        ['(w4) (w3) with the agent kept alive', 'sketchParKept', 'restoredMs'],
        ['(b2) the bare PATCH with the agent kept alive', 'bareKept', 'ms'],
      ],
      { key: 'bare', name: '(b)' },
      table,
      (key) => (key === '' ? 'median vs (b2)' : x(stat(samples, key, key.startsWith('bare') ? 'ms' : 'restoredMs').median / stat(samples, 'bareKept').median)),
    ),
  );

  const profile = await medianProfile(async () => {
    const p = await profileRollback(engine, await s.open(target), { immediate: true });
    await check();
    return p;
  });
  console.log(`\nengine profile, blue-green rollback --immediate (the median of ${PROFILES} profiled runs by total time: ${fmt(profile.ms)} ms):`);
  printProfile(profile, (c) => c.name === 'PATCH patchNamespacedService', 'traffic restored', table);
  return { met };
}

/** @param {Scene & { kubectl?: string, cacheDir: string }} s */
async function rollingUndo(s) {
  const { engine, namespace, table } = s;
  const { app, target } = ROLLING;
  const engineCtx = await s.open(target);
  const engineWrites = traceWrites(engineCtx.context.cluster);
  let expected = /** @type {string} */ (ROLLING.images[1]);
  let start = process.hrtime.bigint();
  /** Every undo flips between the two templates; wait until it has rolled out (untimed), record when. */
  const settle = async () => {
    const out = await rolledOut(s.quiet.apps, namespace, app, start);
    const next = ROLLING.images.find((i) => i !== expected) ?? '';
    if (out.image !== next) throw new Error(`expected ${namespace}/${app} to run ${next} after the undo, found ${out.image}`);
    expected = next;
    return out.ms;
  };
  /** @param {() => Promise<Sample>} f @returns {(prepared?: any) => Promise<Sample>} */
  const timed = (f) => async () => {
    start = process.hrtime.bigint();
    const sample = await f();
    return { ...sample, availableMs: await settle() };
  };
  const check = () => Promise.resolve();
  /** @type {Measure[]} */
  const measures = [
    { key: 'engine', label: '(a)', run: timed(() => engineRollback(engine, engineCtx, engineWrites, { immediate: true })), check },
    { key: 'engineFull', label: '(a2)', run: timed(() => engineRollback(engine, engineCtx, engineWrites, { immediate: false })), check },
  ];
  const { kubectl, cli } = s;
  if (kubectl) measures.push({ key: 'kubectl', label: '(b)', run: timed(() => kubectlUndo(kubectl, { namespace, name: app, kubeconfig: s.kubeconfig, cacheDir: s.cacheDir })), check });
  measures.push({
    key: 'bare',
    label: '(c)',
    prepare: () => undoPatch(s.quiet.apps, namespace, app),
    run: async (body) => {
      start = process.hrtime.bigint();
      const sample = await bareUndo(s.k.apps, namespace, app, body);
      return { ...sample, availableMs: await settle() };
    },
    check,
  });
  if (cli) measures.push({ key: 'cli', label: '(d)', run: timed(() => cliRollback(cli, { repo: s.repo, target, kubeconfig: s.kubeconfig, env: s.cliEnv })), check });

  console.log(`\nrolling: Deployment ${app} (${ROLLING.replicas} replicas, maxSurge 100%) flipping between ${ROLLING.images.join(' and ')}; each measure undoes to the previous revision, then waits (untimed) until it has rolled out`);
  console.log(`timing: ${s.warmup} warm-up + ${s.iterations} measured rounds; each round runs every measure once, in a rotating order`);
  const samples = await rounds(measures, s.warmup, s.iterations);

  /** @type {[string, string, 'ms' | 'restoredMs'][]} */
  const rows = [
    ['(a) engine rollback(ctx, { immediate, confirmed }): call -> undo PATCH returned', 'engine', 'restoredMs'],
    ['(a) engine rollback(ctx, { immediate, confirmed }): call -> returned (lock released, audit written)', 'engine', 'ms'],
    ['(a2) engine rollback() without immediate: call -> returned, rolled out (polls every 500 ms, the default)', 'engineFull', 'ms'],
  ];
  if (kubectl) rows.push([`(b) kubectl rollout undo deployment/${app} (process)`, 'kubectl', 'ms']);
  rows.push(['(c) one bare client-node JSON PATCH replacing the template, as kubectl sends it (the floor)', 'bare', 'ms']);
  if (cli) rows.push([`(d) CLI process: node dist/cli.js rollback --target=${target} --immediate --yes (production build)`, 'cli', 'ms']);
  const floor = kubectl ? { key: 'kubectl', name: '(b)' } : { key: 'bare', name: '(c)' };
  console.log(`\n${report(samples, rows, floor, table, (key) => (key === '' ? 'rolled out, median ms' : fmt(stat(samples, key, 'availableMs').median)))}`);
  console.log('"rolled out": from the command to the Deployment fully available, polled every 25 ms after the command returned.');
  if (cli) console.log(`(d) includes the engine's own rollback as the CLI reports it (--json ms): median ${fmt(stat(samples, 'cli', 'engineMs').median)} ms.`);

  let met = false;
  if (kubectl) {
    const k = stat(samples, 'kubectl').median;
    const e = stat(samples, 'engine').median;
    const verdicts = [['(a) the engine, call -> returned', e]];
    if (cli) verdicts.push(['(d) the CLI process', stat(samples, 'cli').median]);
    met = verdicts.every(([, ms]) => Number(ms) < k);
    for (const [what, ms] of verdicts) {
      console.log(`target (issue #4): rolling, ${what} faster than (b) the kubectl process at the median: ${Number(ms) < k ? 'MET' : 'NOT MET'} (${x(Number(ms) / k)}, ${fmt(Number(ms))} vs ${fmt(k)} ms)`);
    }
  } else {
    console.log('target (issue #4): rolling vs kubectl: not measured, kubectl is not on PATH');
  }

  const profile = await medianProfile(async () => {
    const profiled = await s.open(target);
    start = process.hrtime.bigint();
    const p = await profileRollback(engine, profiled, { immediate: true });
    await settle();
    return p;
  });
  console.log(`\nengine profile, rolling rollback --immediate (the median of ${PROFILES} profiled runs by total time: ${fmt(profile.ms)} ms):`);
  printProfile(profile, (c) => c.name === 'PATCH patchNamespacedDeployment' && !c.detail.includes('dryRun'), 'undo written', table);
  return { met, cliMs: cli ? { process: stat(samples, 'cli').median, engine: stat(samples, 'cli', 'engineMs').median } : undefined };
}

/**
 * Where the CLI process's time goes: fresh node processes loading each piece, and openDeploy in-process.
 * @param {string} cli @param {import('./rollback-measure.mjs').DeployEngine} engine @param {string} repo @param {string} kubeconfig
 * @param {{ process: number, engine: number } | undefined} cliMs @param {Table} table @param {NodeJS.ProcessEnv} env
 */
async function cliPieces(cli, engine, repo, kubeconfig, cliMs, table, env) {
  const runs = 7;
  /** @type {Measure[]} */
  const measures = processPieces(cli, env).map((p) => ({ ...p, check: () => Promise.resolve() }));
  measures.push({
    key: 'open',
    label: 'openDeploy(repo, rolling) in-process, warm (git, .hotfix/config.yaml, kubeconfig, client-node cluster)',
    run: async () => {
      const start = process.hrtime.bigint();
      const opened = await engine.openDeploy(repo, ROLLING.target, { kubeconfig });
      if (!opened.ok) throw new Error(opened.reason);
      return { ms: Number(process.hrtime.bigint() - start) / 1e6 };
    },
    check: () => Promise.resolve(),
  });
  const kube = path.join(path.dirname(cli), 'kube.js');
  console.log(`\nwhere the CLI process's time goes (1 warm-up + ${runs} rounds, rotating; dist/cli.js ${kib(statSync(cli).size)}, dist/kube.js ${kib(statSync(kube).size)}; medians):`);
  const samples = await rounds(measures, 1, runs);
  const rows = measures.map((m) => [m.label, fmt(stat(samples, m.key).median), fmt(stat(samples, m.key).p90)]);
  if (cliMs) {
    rows.push(['the engine\'s rollback inside the CLI process (its --json ms), from the rolling rounds', fmt(cliMs.engine), '']);
    rows.push(['(d) the whole CLI process, from the rolling rounds', fmt(cliMs.process), '']);
  }
  console.log(table([['piece', 'median ms', 'p90 ms'], ...rows]));
}
