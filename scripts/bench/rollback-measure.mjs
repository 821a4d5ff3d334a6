// @ts-check
// The timed rollback operations: the engine's rollback() in-process, `kubectl rollout undo` and the CLI
// twin as processes, one bare client-node PATCH (the floor); bench-only sketches of a shorter critical
// path (what-ifs, nothing in src/ changes); and a per-call profile of one engine rollback.
import { execFile } from 'node:child_process';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

const require = createRequire(import.meta.url);
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
const MAX_BUFFER = 16 * 1024 * 1024;
export const ROLLED_BACK_BY = 'hotfix-deployer.io/rolled-back-by';
const OPERATION = 'hotfix-deployer.io/operation';

/** @param {bigint} start @param {bigint} [end] */
const since = (start, end = process.hrtime.bigint()) => Number(end - start) / 1e6;

/**
 * The compiled engine (out/, from `npm run compile-tests`): what `hotfix-deployer rollback` runs, and the
 * pieces the what-if sketches reuse (the lock, the colour decision, the audit record).
 * @param {string} projectRoot
 */
export function loadDeployEngine(projectRoot) {
  const out = path.join(projectRoot, 'out', 'src');
  const load = (/** @type {string} */ file) => require(path.join(out, file));
  try {
    return {
      rollback: load('core/deploy/rollback.js').rollback,
      openDeploy: load('adapters/deploy-workspace.js').openDeploy,
      acquireLock: load('core/deploy/lock.js').acquireLock,
      unfinished: load('core/deploy/guards.js').unfinished,
      record: load('core/deploy/context.js').record,
      colours: load('core/deploy/rollout.js').colours,
    };
  } catch (error) {
    throw new Error(`cannot load the compiled engine from ${out}: run \`npm run compile-tests\` first`, { cause: error });
  }
}

/** @typedef {ReturnType<typeof loadDeployEngine>} DeployEngine */
/** @typedef {{ context: any, kube: { kc: import('@kubernetes/client-node').KubeConfig } }} Opened what openDeploy gives the CLI */

/**
 * client-node 1.x builds a new https.Agent for every request (KubeConfig.createAgent), so every API call
 * opens a new TCP connection and TLS session. This makes the KubeConfig hand out one keep-alive agent
 * instead: the what-if of an adapter that reuses its connection. Returns the agent, to destroy at the end.
 * @param {import('@kubernetes/client-node').KubeConfig} kc
 */
export function keepAlive(kc) {
  /** @type {Agent | undefined} */
  let agent;
  const shared = /** @type {any} */ (kc);
  shared.createAgent = (/** @type {unknown} */ _cluster, /** @type {import('node:https').AgentOptions} */ options) => (agent ??= new Agent({ ...options, keepAlive: true }));
  return { destroy: () => agent?.destroy() };
}

/**
 * A thin wrapper on the Cluster port: remembers when the last real (not dry-run) selector switch or
 * template replace returned, i.e. when traffic was restored (blue-green) or the undo was written (rolling).
 * @param {any} cluster a ClientNodeCluster
 */
export function traceWrites(cluster) {
  const state = { at: /** @type {bigint | undefined} */ (undefined) };
  for (const name of ['setServiceSelector', 'replaceTemplate']) {
    const original = cluster[name];
    cluster[name] = async (/** @type {unknown[]} */ ...args) => {
      const result = await original.apply(cluster, args);
      if (!(/** @type {{ dryRun?: boolean }} */ (args[4])?.dryRun)) state.at = process.hrtime.bigint();
      return result;
    };
  }
  return {
    reset: () => (state.at = undefined),
    /** @param {bigint} start */
    msSince: (start) => (state.at === undefined ? NaN : since(start, state.at)),
  };
}

/**
 * (a) The engine in-process, on a context opened as the CLI opens it: from the call to the write that
 * restores traffic (`restoredMs`) and to its return, lock released and audit written (`ms`).
 * @param {DeployEngine} engine @param {Opened} opened @param {ReturnType<typeof traceWrites>} writes @param {{ immediate: boolean }} input
 */
export async function engineRollback(engine, opened, writes, input) {
  writes.reset();
  const start = process.hrtime.bigint();
  const outcome = await engine.rollback(opened.context, { immediate: input.immediate, confirmed: true });
  const ms = since(start);
  if (outcome.kind !== 'rolled-back') throw new Error(`engine rollback: ${outcome.reason} ${outcome.hint ?? ''}`);
  return { ms, restoredMs: writes.msSince(start), message: outcome.message };
}

/**
 * (b) The floor for blue-green: one client-node merge PATCH of the Service selector.
 * @param {import('@kubernetes/client-node').CoreV1Api} core @param {string} namespace @param {string} name @param {Record<string, string>} selector
 */
export async function barePatchSelector(core, namespace, name, selector) {
  const start = process.hrtime.bigint();
  await core.patchNamespacedService({ name, namespace, body: { spec: { selector } } }, merge);
  return { ms: since(start) };
}

/**
 * What `kubectl rollout undo` writes, computed outside the timing: the previous revision's ReplicaSet
 * template (without pod-template-hash) and its annotations, over the controller's own annotations.
 * @param {import('@kubernetes/client-node').AppsV1Api} apps @param {string} namespace @param {string} name
 */
export async function undoPatch(apps, namespace, name) {
  const REVISION = 'deployment.kubernetes.io/revision';
  const KEPT = new Set([REVISION, 'deployment.kubernetes.io/revision-history', 'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas', 'kubectl.kubernetes.io/last-applied-configuration']);
  const d = await apps.readNamespacedDeployment({ name, namespace });
  const current = Number(d.metadata?.annotations?.[REVISION] ?? 0);
  const labelSelector = Object.entries(d.spec?.selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  const owned = (await apps.listNamespacedReplicaSet({ namespace, labelSelector })).items.filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === d.metadata?.uid));
  const previous = owned
    .map((rs) => ({ rs, revision: Number(rs.metadata?.annotations?.[REVISION] ?? 0) }))
    .filter((x) => x.revision < current)
    .sort((a, b) => b.revision - a.revision)[0]?.rs;
  if (!previous?.spec?.template) throw new Error(`${namespace}/${name} has no revision before ${current}`);
  const template = structuredClone(previous.spec.template);
  delete template.metadata?.labels?.['pod-template-hash'];
  /** @type {Record<string, string>} */
  const annotations = {};
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) if (KEPT.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(previous.metadata?.annotations ?? {})) if (!KEPT.has(k)) annotations[k] = v;
  return [
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
  ];
}

/**
 * (c) The floor for rolling: one client-node JSON PATCH with the template replace kubectl sends.
 * @param {import('@kubernetes/client-node').AppsV1Api} apps @param {string} namespace @param {string} name @param {object[]} body
 */
export async function bareUndo(apps, namespace, name, body) {
  const start = process.hrtime.bigint();
  await apps.patchNamespacedDeployment({ name, namespace, body }, jsonPatch);
  return { ms: since(start) };
}

/** Child processes in flight, killed by pid if the bench is interrupted. */
const children = new Set();
export function killChildren() {
  for (const child of children) child.kill('SIGTERM');
}

/** @param {string} file @param {string[]} args @param {import('node:child_process').ExecFileOptions} [options] */
function run(file, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { maxBuffer: MAX_BUFFER, encoding: 'utf8', ...options }, (error, stdout, stderr) => {
      children.delete(child);
      if (error) reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${error.message}\n${stderr}`));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
    children.add(child);
  });
}

/**
 * (b) `kubectl rollout undo` as a process. `--cache-dir` keeps its discovery cache in the bench's folder
 * (warm after the warm-up rounds, as ~/.kube/cache is for a person) instead of the home directory.
 * @param {string} kubectl @param {{ namespace: string, name: string, kubeconfig: string, cacheDir: string }} o
 */
export async function kubectlUndo(kubectl, o) {
  const start = process.hrtime.bigint();
  const { stdout } = await run(kubectl, ['rollout', 'undo', `deployment/${o.name}`, '-n', o.namespace, `--kubeconfig=${o.kubeconfig}`, `--cache-dir=${o.cacheDir}`]);
  const ms = since(start);
  if (!/rolled back/.test(stdout)) throw new Error(`kubectl rollout undo: ${stdout}`);
  return { ms };
}

/**
 * (d) The CLI twin as a process (node start included): `rollback --target=T --immediate --yes`. `--json`
 * only to read the engine's own time (`ms`) out of the process's output.
 * `env`: the process's environment (the bench gives the CLI's code cache a folder of its own).
 * @param {string} cli @param {{ repo: string, target: string, kubeconfig: string, env?: NodeJS.ProcessEnv }} o
 */
export async function cliRollback(cli, o) {
  const start = process.hrtime.bigint();
  const { stdout } = await run(process.execPath, [cli, 'rollback', `--target=${o.target}`, '--immediate', '--yes', `--kubeconfig=${o.kubeconfig}`, `--repo=${o.repo}`, '--json'], { cwd: o.repo, ...(o.env ? { env: o.env } : {}) });
  const ms = since(start);
  const result = JSON.parse(stdout);
  if (result.ok !== true || result.rolledBack !== true) throw new Error(`CLI rollback: ${stdout}`);
  return { ms, engineMs: Number(result.ms) };
}

/**
 * What-if (bench-only, src/ untouched): blue-green `rollback --immediate` with a shorter critical path and
 * the same checks: the unfinished-deploy check, the lock, the Service and both Deployments, the colour
 * decision and the "idle colour has available replicas" refusal, then ONE merge patch computed from the
 * Service already read, with its resourceVersion as a precondition (409 if anyone changed the Service
 * since the read: a compare-and-swap, so no second GET). `parallel`: the lock and the reads in one round
 * instead of the lock first.
 * @param {DeployEngine} engine @param {Opened} opened @param {import('@kubernetes/client-node').CoreV1Api} core @param {{ parallel: boolean }} how
 */
export async function sketchSwitchBack(engine, opened, core, how) {
  const ctx = opened.context;
  const { cluster, target } = ctx;
  const operation = randomUUID();
  const start = process.hrtime.bigint();
  const lockNow = () => engine.acquireLock(cluster, ctx.clock, target.namespace, target.name, { holder: `${ctx.actor} on ${ctx.origin}`, operation });
  const reads = () =>
    Promise.all([
      engine.unfinished(ctx),
      core.readNamespacedService({ name: target.service, namespace: target.namespace }),
      cluster.getDeployment(target.namespace, `${target.app}-blue`),
      cluster.getDeployment(target.namespace, `${target.app}-green`),
    ]);
  let lock;
  let read;
  if (how.parallel) {
    [lock, read] = await Promise.all([lockNow(), reads()]);
  } else {
    lock = await lockNow();
    read = await reads();
  }
  if (!lock.ok) throw new Error(`sketch: ${lock.reason}`);
  let restored;
  try {
    const [open, service, blue, green] = read;
    if (open) throw new Error('sketch: an unfinished deploy (the engine would resume it; the bench never leaves one)');
    const view = { name: service.metadata?.name ?? '', namespace: target.namespace, selector: service.spec?.selector ?? {}, annotations: service.metadata?.annotations ?? {} };
    const c = engine.colours(view, blue, green);
    if ('error' in c) throw new Error(`sketch: ${c.error}`);
    const back = c.idle === 'blue' ? blue : green;
    if (back.status.availableReplicas === 0) throw new Error(`sketch: ${back.name} has no available replicas`);
    /** @type {Record<string, string | null>} */
    const next = { ...c.selectors[c.idle] };
    for (const key of Object.keys(view.selector)) if (!(key in next)) next[key] = null;
    const body = { metadata: { resourceVersion: service.metadata?.resourceVersion, annotations: { [ROLLED_BACK_BY]: ctx.actor, [OPERATION]: operation } }, spec: { selector: next } };
    await core.patchNamespacedService({ name: target.service, namespace: target.namespace, body }, merge);
    restored = process.hrtime.bigint();
    await engine.record(ctx, 'rollback.done', { operation, message: `switched back to ${c.idle} (bench sketch)`, immediate: true });
  } finally {
    await lock.value.release().catch(() => undefined);
  }
  return { ms: since(start), restoredMs: since(start, restored) };
}

/**
 * Polls (every 25 ms, untimed for the measure) until the Deployment has rolled out as `kubectl rollout status`
 * judges it; returns the ms from `start` and the image it runs.
 * @param {import('@kubernetes/client-node').AppsV1Api} apps @param {string} namespace @param {string} name @param {bigint} start
 */
export async function rolledOut(apps, namespace, name, start) {
  for (let i = 0; i < 1200; i++) {
    const d = await apps.readNamespacedDeployment({ name, namespace });
    const s = d.status ?? {};
    const want = d.spec?.replicas ?? 1;
    if ((s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) && (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want) {
      return { ms: since(start), image: d.spec?.template.spec?.containers[0]?.image ?? '' };
    }
    await sleep(25);
  }
  throw new Error(`${namespace}/${name} did not roll out within 30 s`);
}

// ---------------------------------------------------------------------------------------------------
// The profile: every Cluster port call, every client-node API call inside it (each one HTTPS request),
// and the state and audit files, with start and end times, on one engine rollback.

/** @typedef {{ id: number, parent?: number, kind: 'port' | 'api' | 'file', name: string, detail: string, start: number, end: number }} Call */

const VERB = /** @type {const} */ ([
  [/^read/, 'GET'],
  [/^list/, 'LIST'],
  [/^create/, 'POST'],
  [/^patch/, 'PATCH'],
  [/^replace/, 'PUT'],
  [/^delete/, 'DELETE'],
]);

/**
 * Wraps the methods of `target` (own instance properties shadowing the prototype's) to record calls.
 * @param {any} target @param {string[]} names @param {(name: string, args: any[]) => { kind: Call['kind'], name: string, detail: string }} describe
 * @param {{ calls: Call[], origin: bigint, scope: AsyncLocalStorage<number> }} trace
 */
function wrap(target, names, describe, trace) {
  for (const name of names) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    target[name] = function traced(/** @type {any[]} */ ...args) {
      /** @type {Call} */
      const call = { id: trace.calls.length, parent: trace.scope.getStore(), ...describe(name, args), start: since(trace.origin), end: NaN };
      trace.calls.push(call);
      return trace.scope.run(call.id, async () => {
        try {
          return await original.apply(this, args);
        } finally {
          call.end = since(trace.origin);
        }
      });
    };
  }
}

/** @param {object} proto */
const methods = (proto) => Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor');

/**
 * One engine rollback with every call timed (bench-only instrumentation of a freshly opened context).
 * @param {DeployEngine} engine @param {Opened} opened @param {{ immediate: boolean }} input
 */
export async function profileRollback(engine, opened, input) {
  const trace = { calls: /** @type {Call[]} */ ([]), origin: process.hrtime.bigint(), scope: new AsyncLocalStorage() };
  const ctx = opened.context;
  const cluster = ctx.cluster;
  wrap(cluster, methods(Object.getPrototypeOf(cluster)), (name, args) => {
    const options = args.find((a) => a && typeof a === 'object' && 'dryRun' in a);
    return { kind: 'port', name, detail: options?.dryRun ? 'dry-run' : '' };
  }, trace);
  // The client-node API objects the adapter holds (private fields: apps, core, coordination, ...).
  for (const api of Object.values(cluster).filter((v) => v && typeof v === 'object' && /Api$/.test(v.constructor?.name ?? ''))) {
    wrap(api, methods(Object.getPrototypeOf(api)), (name, args) => {
      const verb = VERB.find(([re]) => re.test(name))?.[1] ?? '?';
      const p = args[0] ?? {};
      return { kind: 'api', name: `${verb} ${name}`, detail: [p.name, p.labelSelector && `labelSelector=${p.labelSelector}`, p.dryRun && 'dryRun=All'].filter(Boolean).join(' ') };
    }, trace);
  }
  wrap(ctx.store, ['read', 'write'], (name, args) => ({ kind: 'file', name: `store.${name}`, detail: String(args[0]) }), trace);
  wrap(ctx.audit, ['append'], (name, args) => ({ kind: 'file', name: `audit.${name}`, detail: String(args[0]?.action ?? '') }), trace);
  trace.origin = process.hrtime.bigint();
  const outcome = await engine.rollback(ctx, { immediate: input.immediate, confirmed: true });
  const ms = since(trace.origin);
  if (outcome.kind !== 'rolled-back') throw new Error(`profile rollback: ${outcome.reason}`);
  return { ms, calls: trace.calls };
}

/**
 * The critical path of a profile up to the write that restores traffic: API requests that ended before it
 * began, grouped into sequential rounds (requests that overlap in time form one round).
 * @param {Call[]} calls @param {(c: Call) => boolean} isWrite
 */
export function criticalPath(calls, isWrite) {
  const api = calls.filter((c) => c.kind === 'api');
  const write = api.find(isWrite);
  if (!write) return undefined;
  const before = api.filter((c) => c.end <= write.start).sort((a, b) => a.start - b.start);
  /** @type {Call[][]} */
  const rounds = [];
  let roundEnd = -Infinity;
  for (const c of before) {
    const last = rounds[rounds.length - 1];
    if (last && c.start < roundEnd) {
      last.push(c);
      roundEnd = Math.max(roundEnd, c.end);
    } else {
      rounds.push([c]);
      roundEnd = c.end;
    }
  }
  const after = api.filter((c) => c.start >= write.end);
  return { write, rounds, after };
}

/**
 * Where a CLI process's time goes, piece by piece, each in a fresh node process (node start included):
 * node itself, the CLI bundle (`--help`), and dist/kube.js (client-node) loaded with require() and with
 * import(), which is how dist/cli.js loads it (`await import("./kube.js")`): the ESM loader then scans
 * the CommonJS file for its exports before compiling it.
 * @param {string} cli @param {NodeJS.ProcessEnv} [env]
 */
export function processPieces(cli, env) {
  const kube = path.join(path.dirname(cli), 'kube.js');
  const node = async (/** @type {string[]} */ args) => {
    const start = process.hrtime.bigint();
    await run(process.execPath, args, env ? { env } : {});
    return { ms: since(start) };
  };
  return [
    { key: 'node', label: 'node -e 0 (node start)', run: () => node(['-e', '0']) },
    { key: 'help', label: 'node dist/cli.js --help (node start, the CLI bundle)', run: () => node([cli, '--help']) },
    { key: 'require', label: "node -e \"require('dist/kube.js')\" (node start, client-node bundle by require)", run: () => node(['-e', `require(${JSON.stringify(kube)})`]) },
    { key: 'import', label: "node -e \"import('dist/kube.js')\" (node start, the same bundle by import(), as cli.js does)", run: () => node(['-e', `import(${JSON.stringify(kube)})`]) },
  ];
}
