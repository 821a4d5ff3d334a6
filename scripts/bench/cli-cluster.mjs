// @ts-check
// The CLI bench's cluster groups (scripts/bench/cli.mjs, issue #20), on the project's test control plane
// (started here, stopped at the end and on Ctrl-C): `rollback --immediate --yes` of a rolling and of a
// blue-green target against `kubectl rollout undo` on the same Deployment, and `deploy` timed to its first
// API write as the API server's side sees it (through a logging relay, scripts/bench/cli-measure.mjs);
// then the extension's Rollback… in a freshly activated window, to its first API call (extension-rollback.mjs).
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { stopCluster } from '../../test/kube/cluster.mjs';
import { GOAL, goalsOf, report, rounds, stat } from './cli.mjs';
import { killChildren, runProcess, startWriteRelay } from './cli-measure.mjs';
import { benchExtensionRollback } from './extension-rollback.mjs';
import { rolledOut } from './rollback-measure.mjs';
import { available, BLUE_GREEN, clients, createApps, createRepo, deployment, ROLLING, SELECTOR, startBenchCluster, stopOnSignal } from './rollback-setup.mjs';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
/** The deploy group's own Deployment, so its rollouts never meet the rollback groups'. */
const DEPLOY = Object.freeze({ target: 'deploy', app: 'svc', replicas: 2, images: ['svc:1.0', 'svc:1.1'] });

/**
 * @typedef {import('./cli.mjs').Measure} Measure
 * @typedef {import('./cli.mjs').Variant} Variant
 * @typedef {import('./cli.mjs').Goal} Goal
 * @typedef {{ variants: Variant[], goalKeys: string[], kubectl: boolean, dir: string, iterations: number, warmup: number, activations: number, table: import('./cli.mjs').Table }} Options
 */

/** @param {Options} options @returns {Promise<{ goals: Goal[], notes: string[] }>} */
export async function benchCliCluster(options) {
  const dir = path.join(options.dir, 'cluster-bench');
  mkdirSync(dir, { recursive: true });
  /** @type {import('../../test/kube/cluster.mjs').ClusterHandle | undefined} */
  let handle;
  /** @type {Awaited<ReturnType<typeof startWriteRelay>> | undefined} */
  let relay;
  const cleanup = async () => {
    killChildren();
    await relay?.close();
    if (handle) await stopCluster(handle);
    handle = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
  const signals = stopOnSignal(cleanup);
  try {
    handle = await startBenchCluster(dir, (line) => console.log(line));
    const k = clients(handle.kubeconfig);
    const namespace = await createApps(k);
    // A second revision of web-blue, for kubectl rollout undo to go back to; and the deploy group's app.
    await k.apps.patchNamespacedDeployment({ name: `${BLUE_GREEN.app}-blue`, namespace, body: { spec: { template: { metadata: { annotations: { 'bench.hotfix-deployer.io/revision': '2' } } } } } }, strategic);
    await deployment(k.apps, namespace, DEPLOY.app, /** @type {string} */ (DEPLOY.images[0]), { app: DEPLOY.app }, DEPLOY.replicas);
    await Promise.all([available(k.apps, namespace, `${BLUE_GREEN.app}-blue`), available(k.apps, namespace, DEPLOY.app)]);
    const repo = createRepo(dir, namespace, [`  ${DEPLOY.target}:`, `    namespace: ${namespace}`, `    app: ${DEPLOY.app}`, '    strategy: rolling', '    protected: true']);
    relay = await startWriteRelay(handle, dir);
    console.log(`\ncluster up in ${(handle.startupMs / 1000).toFixed(1)} s at ${handle.server}; namespace ${namespace}; targets in ${path.join(repo, '.hotfix', 'config.yaml')}`);
    const scene = { ...options, k, namespace, repo, kubeconfig: handle.kubeconfig, cacheDir: path.join(dir, 'kubectl-cache') };
    const goals = [...(await rolling(scene)), ...(await blueGreen(scene))];
    const notes = await deploy({ ...scene, relay });
    // The extension in a fresh window, from each build (not the CLI's cache-off variant), on a repository
    // whose targets are not protected: the extension never skips a protected target's typed confirmation.
    const extension = benchExtensionRollback({
      builds: options.variants.filter((v) => v.key === 'new' || v.key === 'base').map((v) => ({ key: v.key, label: (v.label.split(', ')[0] ?? v.label).replace(/hotfix-deployer|baseline/, (w) => (w === 'baseline' ? 'baseline extension' : 'the extension')), dir: path.dirname(path.dirname(v.cli)) })),
      rounds: options.activations,
      folder: path.join(dir, 'extension'),
      repo: createRepo(dir, namespace, [], { name: 'repo-extension', protect: false }),
      target: ROLLING.target,
      relay,
      settle: async () => void (await rolledOut(k.apps, namespace, ROLLING.app, process.hrtime.bigint())),
      table: options.table,
    });
    // A host that cannot start costs its figure, not the CLI's above.
    notes.push(...(await extension.catch((/** @type {unknown} */ error) => [`extension, Rollback…: not measured, it failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`])));
    return { goals, notes };
  } catch (error) {
    if (signals.stopping()) await new Promise(() => undefined); // the signal handler exits
    throw error;
  } finally {
    signals.off();
    await cleanup();
  }
}

/** @typedef {Options & { k: ReturnType<typeof clients>, namespace: string, repo: string, kubeconfig: string, cacheDir: string }} Scene */

/** `hotfix-deployer rollback --target=T --immediate --yes --json` as a process. @param {Variant} v @param {Scene} s @param {string} target */
async function cliRollback(v, s, target) {
  const done = await runProcess([v.node, v.cli, 'rollback', `--target=${target}`, '--immediate', '--yes', `--kubeconfig=${s.kubeconfig}`, '--json'], { cwd: s.repo, env: v.env });
  const result = JSON.parse(done.stdout);
  if (result.ok !== true || result.rolledBack !== true) throw new Error(`${v.label} rollback --target=${target}: ${done.stdout}`);
  return done;
}

/** `kubectl rollout undo deployment/NAME`, its discovery cache in the bench's folder (warm after the warm-up). @param {Scene} s @param {string} name */
async function kubectlUndo(s, name) {
  const done = await runProcess(['kubectl', 'rollout', 'undo', `deployment/${name}`, '-n', s.namespace, `--kubeconfig=${s.kubeconfig}`, `--cache-dir=${s.cacheDir}`]);
  if (!/rolled back/.test(done.stdout)) throw new Error(`kubectl rollout undo deployment/${name}: ${done.stdout}`);
  return done;
}

/** Rolling: every measure undoes Deployment api to its other revision; then (untimed) it has rolled out. @param {Scene} s */
async function rolling(s) {
  let expected = /** @type {string} */ (ROLLING.images[1]);
  const settle = async () => {
    const out = await rolledOut(s.k.apps, s.namespace, ROLLING.app, process.hrtime.bigint());
    const next = ROLLING.images.find((i) => i !== expected) ?? '';
    if (out.image !== next) throw new Error(`expected ${s.namespace}/${ROLLING.app} to run ${next} after the undo, found ${out.image}`);
    expected = next;
  };
  /** @type {Measure[]} */
  const measures = s.variants.map((v) => ({ key: v.key, label: `${v.label} rollback --target=${ROLLING.target} --immediate --yes`, run: () => cliRollback(v, s, ROLLING.target), after: settle }));
  if (s.kubectl) measures.push({ key: 'kubectl', label: `(b) kubectl rollout undo deployment/${ROLLING.app}`, run: () => kubectlUndo(s, ROLLING.app), after: settle });
  console.log(`\nrollback, rolling: Deployment ${ROLLING.app} (${ROLLING.replicas} replicas) undone to its other revision by every measure, then (untimed) rolled out`);
  const samples = await rounds(measures, s.warmup, s.iterations);
  return report(samples, measures, s.kubectl ? 'kubectl' : 'new', s.kubectl ? goalsOf(s.goalKeys, s.variants, 'rollback, rolling target') : {}, s.table);
}

/**
 * Blue-green: the CLI switches Service web from green back to blue (then green is put back, untimed);
 * kubectl undoes Deployment web-blue to its other revision (then it rolls out, untimed).
 * @param {Scene} s
 */
async function blueGreen(s) {
  const { app, service, target } = BLUE_GREEN;
  const putGreenBack = async () => {
    const selector = (await s.k.core.readNamespacedService({ name: service, namespace: s.namespace })).spec?.selector;
    if (JSON.stringify(selector) !== JSON.stringify(SELECTOR.blue)) throw new Error(`expected Service ${service} to select ${JSON.stringify(SELECTOR.blue)}, found ${JSON.stringify(selector)}`);
    await s.k.core.patchNamespacedService({ name: service, namespace: s.namespace, body: { spec: { selector: SELECTOR.green } } }, merge);
  };
  const blueRolledOut = async () => {
    await rolledOut(s.k.apps, s.namespace, `${app}-blue`, process.hrtime.bigint());
  };
  /** @type {Measure[]} */
  const measures = s.variants.map((v) => ({ key: v.key, label: `${v.label} rollback --target=${target} --immediate --yes`, run: () => cliRollback(v, s, target), after: putGreenBack }));
  if (s.kubectl) measures.push({ key: 'kubectl', label: `(b) kubectl rollout undo deployment/${app}-blue`, run: () => kubectlUndo(s, `${app}-blue`), after: blueRolledOut });
  console.log(`\nrollback, blue-green: the CLI switches Service ${service} from green back to blue (green put back, untimed); kubectl undoes ${app}-blue to its other revision (rolled out, untimed)`);
  const samples = await rounds(measures, s.warmup, s.iterations);
  return report(samples, measures, s.kubectl ? 'kubectl' : 'new', s.kubectl ? goalsOf(s.goalKeys, s.variants, 'rollback, blue-green target') : {}, s.table);
}

/**
 * `deploy --target=deploy --image=svc:1.x --yes` (alternating images) through the logging relay: the
 * time from the command to its first API write (the deploy lock's Lease), and to its exit (rolled out).
 * @param {Scene & { relay: Awaited<ReturnType<typeof startWriteRelay>> }} s @returns {Promise<string[]>}
 */
async function deploy(s) {
  let next = 1;
  /** @type {Measure[]} */
  const measures = s.variants.map((v) => ({
    key: v.key,
    label: `${v.label} deploy --target=${DEPLOY.target} --image=${DEPLOY.app}:1.x --yes`,
    run: async () => {
      s.relay.reset();
      const image = /** @type {string} */ (DEPLOY.images[next]);
      next = 1 - next;
      const done = await runProcess([v.node, v.cli, 'deploy', `--target=${DEPLOY.target}`, `--image=${image}`, '--yes', `--kubeconfig=${s.relay.kubeconfig}`, '--json'], { cwd: s.repo, env: v.env });
      if (JSON.parse(done.stdout).ok !== true) throw new Error(`${v.label} deploy: ${done.stdout}`);
      const first = s.relay.firstWrite(done.start);
      return { ...done, writeMs: first.ms, before: first.before };
    },
  }));
  console.log(`\ndeploy: Deployment ${DEPLOY.app} to the other image, through a relay that notes the first write (POST, PUT, PATCH or DELETE, not a dry run) as it reaches the API server`);
  const samples = await rounds(measures, s.warmup, s.iterations);
  const fmt = (/** @type {number} */ ms) => ms.toFixed(1);
  console.log(
    s.table([
      ['measure', 'runs', 'first write, median ms', 'p90 ms', 'requests before it', 'exit (rolled out), median ms', 'peak MiB'],
      ...measures.map((m) => {
        const got = samples[m.key] ?? [];
        return [m.label, String(got.length), fmt(stat(got, 'writeMs').median), fmt(stat(got, 'writeMs').p90), String(stat(got, 'before').median), fmt(stat(got).median), (stat(got, 'rssKiB').median / 1024).toFixed(1)];
      }),
    ]),
  );
  return s.goalKeys.map((key) => {
    const first = stat(samples[key] ?? [], 'writeMs');
    const on = s.variants.find((v) => v.key === key)?.runtime ?? key;
    return `deploy up to its first API write (${on}): ${fmt(first.median)} ms at the median (p90 ${fmt(first.p90)} ms; no reference, no goal; ${GOAL}x is for the verbs above)`;
  });
}
