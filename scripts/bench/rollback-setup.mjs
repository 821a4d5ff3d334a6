// @ts-check
// The rollback benchmark's world: the project's test control plane (test/kube/cluster.mjs) in a temporary
// folder, one namespace with a blue-green app (web-blue / web-green behind Service web) and a rolling app
// (Deployment api with two revisions), and a git repository whose .hotfix/config.yaml names them as
// protected targets, for the CLI twin.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { BUILD_SCRIPT, findBinaries, KUBE_VERSION, startCluster } from '../../test/kube/cluster.mjs';
import { defaultServiceAccount, waitFor } from '../../test/kube/wait.mjs';

export const BLUE_GREEN = Object.freeze({ target: 'blue-green', app: 'web', service: 'web', replicas: 2, images: { blue: 'web:1.0', green: 'web:1.1' } });
export const ROLLING = Object.freeze({ target: 'rolling', app: 'api', replicas: 2, images: ['api:1.0', 'api:1.1'] });
export const SELECTOR = Object.freeze({ blue: { app: 'web', colour: 'blue' }, green: { app: 'web', colour: 'green' } });

/** Setup polls quickly: it is not measured, but it runs before every round. */
const FAST = { intervalMs: 50 };

/** Builds the Kubernetes binaries first if this machine has not yet (once, cached), as the integration tier does. @param {(line: string) => void} log */
function ensureBinaries(log) {
  if (findBinaries().missing.length === 0) return Promise.resolve();
  log(`the Kubernetes test binaries are not built yet: running ${BUILD_SCRIPT} (once per machine, about 10 minutes, cached)`);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve(undefined) : reject(new Error(`${BUILD_SCRIPT} failed (${signal ?? `exit code ${code}`})`))));
  });
}

/** @param {string} dir @param {(line: string) => void} log */
export async function startBenchCluster(dir, log) {
  await ensureBinaries(log);
  return startCluster({ dir: path.join(dir, 'cluster') });
}

/**
 * Ctrl-C or SIGTERM during a cluster group stops its cluster (`cleanup`) and exits 130. `stopping()` tells
 * the group's catch that the handler exits (the requests in flight fail as the cluster stops), so it
 * waits rather than reporting them; `off()` removes the handlers at the group's end.
 * @param {() => Promise<void>} cleanup
 */
export function stopOnSignal(cleanup) {
  let stopping = false;
  const interrupted = (/** @type {NodeJS.Signals} */ signal) => {
    stopping = true;
    console.error(`\n${signal}: stopping the test cluster`);
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);
  return {
    stopping: () => stopping,
    off: () => {
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
    },
  };
}

/** The plain client-node APIs the bench's own calls use. @param {string} kubeconfig */
export function clients(kubeconfig) {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return { kc, apps: kc.makeApiClient(AppsV1Api), core: kc.makeApiClient(CoreV1Api) };
}

/**
 * @param {AppsV1Api} apps @param {string} namespace @param {string} name @param {string} image @param {Record<string, string>} labels @param {number} replicas
 */
export async function deployment(apps, namespace, name, image, labels, replicas) {
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels: { app: labels.app ?? name } },
      spec: {
        replicas,
        revisionHistoryLimit: 10,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '100%', maxUnavailable: 0 } },
        template: { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } },
      },
    },
  });
}

/** @param {AppsV1Api} apps @param {string} namespace @param {string} name */
export function available(apps, namespace, name) {
  return waitFor(`${namespace}/${name} to be fully available`, async () => {
    const d = await apps.readNamespacedDeployment({ name, namespace });
    const want = d.spec?.replicas ?? 1;
    return d.status?.observedGeneration === d.metadata?.generation && d.status?.updatedReplicas === want && d.status?.replicas === want && d.status?.availableReplicas === want;
  }, FAST);
}

/**
 * The namespace and both apps: green live behind the Service (as after a blue-green deploy), and the
 * rolling app at revision 2 with revision 1 to go back to.
 * @param {ReturnType<typeof clients>} k
 */
export async function createApps(k) {
  const namespace = `bench-rollback-${Date.now().toString(36)}`;
  await k.core.createNamespace({ body: { metadata: { name: namespace } } });
  await defaultServiceAccount(k.core, namespace);
  await deployment(k.apps, namespace, `${BLUE_GREEN.app}-blue`, BLUE_GREEN.images.blue, SELECTOR.blue, BLUE_GREEN.replicas);
  await deployment(k.apps, namespace, `${BLUE_GREEN.app}-green`, BLUE_GREEN.images.green, SELECTOR.green, BLUE_GREEN.replicas);
  await k.core.createNamespacedService({ namespace, body: { metadata: { name: BLUE_GREEN.service }, spec: { selector: { ...SELECTOR.green }, ports: [{ port: 80, targetPort: 8080 }] } } });
  await deployment(k.apps, namespace, ROLLING.app, /** @type {string} */ (ROLLING.images[0]), { app: ROLLING.app }, ROLLING.replicas);
  await available(k.apps, namespace, ROLLING.app);
  await k.apps.patchNamespacedDeployment({ name: ROLLING.app, namespace, body: { spec: { template: { spec: { containers: [{ name: 'app', image: ROLLING.images[1] }] } } } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
  await Promise.all([available(k.apps, namespace, `${BLUE_GREEN.app}-blue`), available(k.apps, namespace, `${BLUE_GREEN.app}-green`), available(k.apps, namespace, ROLLING.app)]);
  return namespace;
}

/**
 * A repository for the CLI twin and for openDeploy: trunk (main), one commit, both targets protected
 * (and `more`: further targets' lines, indented under targets:). `o.name`: its folder in `dir` ('repo');
 * `o.protect: false`: targets not protected, for the extension (which never skips a typed confirmation).
 * @param {string} dir @param {string} namespace @param {string[]} [more] @param {{ name?: string, protect?: boolean }} [o]
 */
export function createRepo(dir, namespace, more = [], o = {}) {
  const repo = path.join(dir, o.name ?? 'repo');
  const protect = `    protected: ${o.protect ?? true}`;
  mkdirSync(path.join(repo, '.hotfix'), { recursive: true });
  const git = (/** @type {string[]} */ args) => execFileSync('git', args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  git(['init', '--quiet', '--initial-branch=main']);
  git(['config', 'user.name', 'Bench Oncall']);
  git(['config', 'user.email', 'oncall@example.invalid']);
  writeFileSync(
    path.join(repo, '.hotfix', 'config.yaml'),
    [
      'targets:',
      `  ${BLUE_GREEN.target}:`,
      `    namespace: ${namespace}`,
      `    app: ${BLUE_GREEN.app}`,
      '    strategy: blue-green',
      `    service: ${BLUE_GREEN.service}`,
      protect,
      `  ${ROLLING.target}:`,
      `    namespace: ${namespace}`,
      `    app: ${ROLLING.app}`,
      '    strategy: rolling',
      protect,
      ...more,
      '',
    ].join('\n'),
  );
  git(['add', '.']);
  git(['commit', '--quiet', '-m', 'deploy targets']);
  return repo;
}

/** `kubectl` on PATH, with its client version; undefined when there is none. */
export function findKubectl() {
  try {
    const out = execFileSync('kubectl', ['version', '--client', '--output=json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const version = JSON.parse(out).clientVersion?.gitVersion ?? '?';
    const where = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
    return { path: where, version };
  } catch {
    return undefined;
  }
}

export { KUBE_VERSION };
