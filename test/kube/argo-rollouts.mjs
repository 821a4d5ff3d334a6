// @ts-check
// The real Argo Rollouts controller on the test cluster: github.com/argoproj/argo-rollouts at the version that
// test/kube/argo-rollouts/go.mod pins, built once per machine by test/kube/build-argo-rollouts.sh, with the
// CRDs of the same release (Rollout, AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate, Experiment).
// The controller runs out of cluster with the test kubeconfig, no leader election, its metrics and healthz
// servers on free ports; the fake kubelet makes its pods Ready, so canary steps progress as on a real node.
//
//   import { installRolloutsCrds, startRolloutsController } from './argo-rollouts.mjs';
//   await installRolloutsCrds(cluster.kubeconfig);
//   const stop = await startRolloutsController({ kubeconfig: cluster.kubeconfig, logFile });
//   ...
//   await stop();
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { groupAlive } from './cluster.mjs';
import { installCrds, waitFor } from './wait.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The pinned version, from the build module: `1.10.1`. */
export const ROLLOUTS_VERSION = /** @type {string} */ (/^require github\.com\/argoproj\/argo-rollouts v(\S+)$/m.exec(readFileSync(path.join(here, 'argo-rollouts', 'go.mod'), 'utf8'))?.[1]);

/** build-argo-rollouts.sh's folder: bin/rollouts-controller, crds/, plugin-source/, build.log, and `progress` while it builds. */
export function rolloutsCacheDir() {
  const cache = process.env.HOTFIX_CACHE || path.join(homedir(), '.cache', 'hotfix-deployer');
  return process.env.HOTFIX_ROLLOUTS_DIR || path.join(cache, `argo-rollouts-${ROLLOUTS_VERSION}`);
}

/**
 * The kubectl plugin's Go sources of the verbs the product mirrors, as build-argo-rollouts.sh copies them from
 * the module at the pinned version: plugin-source/<verb>/*.go for promote, abort, retry, pause, restart, undo, set.
 */
export function pluginSourceDir() {
  return path.join(rolloutsCacheDir(), 'plugin-source');
}

const notBuilt = () => `Argo Rollouts ${ROLLOUTS_VERSION} is not built: run bash test/kube/build-argo-rollouts.sh (once per machine, about 10 minutes)`;

/** The built controller; throws, naming the script to run, if it is not built yet. */
export function rolloutsBinary() {
  const file = path.join(rolloutsCacheDir(), 'bin', 'rollouts-controller');
  if (!existsSync(file)) throw new Error(notBuilt());
  return file;
}

/**
 * Creates every CRD of the release (an existing one is left as it is) and waits until each is Established
 * and discovery lists argoproj.io/v1alpha1.
 * @param {string} kubeconfig @returns {Promise<{ crds: string[] }>}
 */
export async function installRolloutsCrds(kubeconfig) {
  const dir = path.join(rolloutsCacheDir(), 'crds');
  let files;
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  } catch {
    throw new Error(notBuilt());
  }
  const crds = await installCrds(kubeconfig, files.map((f) => path.join(dir, f)), { group: 'argoproj.io', version: 'v1alpha1', only: (d) => d.kind === 'CustomResourceDefinition' });
  return { crds: crds.map((c) => /** @type {string} */ (c.metadata?.name)) };
}

/** Two free TCP ports (the controller listens on 0.0.0.0). */
async function freePorts() {
  const servers = await Promise.all([0, 1].map(() => new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => resolve(server));
  })));
  const ports = servers.map((s) => /** @type {import('node:net').AddressInfo} */ (/** @type {import('node:net').Server} */ (s).address()).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => /** @type {import('node:net').Server} */ (s).close(resolve))));
  return ports;
}

/** @param {number} port */
function healthz(port) {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/** Controllers still running, killed if this process exits without stopping them. */
const live = new Set();
process.on('exit', () => {
  for (const pgid of live) {
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ }
  }
});

/**
 * Starts the controller in its own process group, logging to `logFile`; resolves once its healthz answers.
 * With `namespace`, it runs namespaced (--namespaced: it watches that namespace only); without, cluster-wide.
 * Returns the function that stops it (SIGTERM, SIGKILL after 5 s).
 * @param {{ kubeconfig: string, namespace?: string, logFile: string, timeoutMs?: number }} options
 * @returns {Promise<() => Promise<void>>}
 */
export async function startRolloutsController({ kubeconfig, namespace, logFile, timeoutMs = 60_000 }) {
  const binary = rolloutsBinary();
  const [metricsPort, healthzPort] = await freePorts();
  const args = ['--kubeconfig', kubeconfig, '--leader-elect=false', '--loglevel', 'info', '--logformat', 'text',
    '--metricsPort', String(metricsPort), '--healthzPort', String(healthzPort),
    ...(namespace ? ['--namespaced', '--namespace', namespace] : [])];
  const fd = openSync(logFile, 'a');
  // POD_NAMESPACE: where it reads its notification ConfigMap and Secret (argo-rollouts otherwise).
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, POD_NAMESPACE: namespace ?? 'default' } });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${binary}`);
  /** @type {string | undefined} */
  let exited;
  child.once('exit', (code, signal) => { exited = signal ? `signal ${signal}` : `code ${code}`; });
  child.unref();
  live.add(pid);
  const stop = async () => {
    const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
    try { process.kill(-pid, 'SIGTERM'); } catch { /* gone */ }
    const deadline = Date.now() + 5000;
    while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
    if (groupAlive(pid)) {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
      const killDeadline = Date.now() + 3000;
      while (groupAlive(pid) && Date.now() < killDeadline) await sleep(50);
    }
    if (groupAlive(pid)) throw new Error(`rollouts-controller (process group ${pid}) still running after SIGKILL`);
    live.delete(pid);
  };
  try {
    await waitFor('the Argo Rollouts controller to answer on /healthz', async () => exited !== undefined || healthz(healthzPort), { timeoutMs, intervalMs: 200 });
    if (exited !== undefined) {
      const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
      throw new Error(`rollouts-controller exited during start-up (${exited}); read ${logFile}:\n${lines}`);
    }
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  return stop;
}
