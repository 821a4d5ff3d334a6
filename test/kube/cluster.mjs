// @ts-check
// A real Kubernetes control plane for the tests, on 127.0.0.1 with free ports: etcd, kube-apiserver,
// kube-controller-manager and kube-scheduler v1.37.2 (built once by test/kube/build-kube.sh, with etcd), plus
// the kubelet stand-in (test/kube/fake-kubelet.mjs). Each component runs in its own process group and logs to
// DIR/logs/<name>.log.
//
//   import { startCluster, stopCluster } from './cluster.mjs';
//   const cluster = await startCluster({ dir });   // cluster.kubeconfig: context `hotfix-test`
//   await stopCluster(cluster);
//
// CLI, for manual use: `node test/kube/cluster.mjs up DIR` prints the kubeconfig path and keeps the cluster
// running until Ctrl-C (SIGINT) or SIGTERM.
import { execFile, spawn } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

export const KUBE_VERSION = '1.37.2';
/** The script that builds the binaries (idempotent, cached). */
export const BUILD_SCRIPT = path.join(here, 'build-kube.sh');
/** The kubeconfig context (and cluster and user) name. */
export const CONTEXT = 'hotfix-test';
/** The name of the fake node the kubelet stand-in registers. */
export const NODE_NAME = 'hotfix-test-node';

/**
 * @typedef {{ name: string, pid: number, log: string }} ClusterProcess
 * @typedef {{
 *   dir: string, kubeconfig: string, server: string, token: string, caFile: string,
 *   ports: { etcdClient: number, etcdPeer: number, apiserver: number },
 *   processes: ClusterProcess[], startupMs: number,
 * }} ClusterHandle
 * @typedef {{ dir: string, binDir?: string, timeoutMs?: number }} StartOptions
 */

/** Where build-kube.sh puts etcd, kube-apiserver, kube-controller-manager and kube-scheduler. */
export function kubeBinDir() {
  return path.join(kubeCacheDir(), 'bin');
}

/** build-kube.sh's folder: bin/, gateway-api/ (the Gateway API CRDs), build.log, and `progress` while it builds. */
export function kubeCacheDir() {
  const cache = process.env.HOTFIX_CACHE || path.join(homedir(), '.cache', 'hotfix-deployer');
  return process.env.KUBE_CACHE || path.join(cache, `kube-${KUBE_VERSION}`);
}

/** @param {string} name */
export function onPath(name) {
  for (const folder of (process.env.PATH || '').split(path.delimiter)) {
    if (!folder) continue;
    const candidate = path.join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * The binaries the cluster needs, resolved; `missing` lists those not found.
 * @param {string} [binDir]
 */
export function findBinaries(binDir = kubeBinDir()) {
  /** @type {Record<string, string>} */
  const found = {};
  /** @type {string[]} */
  const missing = [];
  for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
    const file = path.join(binDir, name);
    if (existsSync(file)) found[name] = file;
    else missing.push(file);
  }
  const openssl = onPath('openssl');
  if (openssl) found.openssl = openssl;
  else missing.push('openssl');
  return { found, missing };
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Free TCP ports on 127.0.0.1, all held open at once so that they differ. @param {number} count */
async function freePorts(count) {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => /** @type {import('node:net').AddressInfo} */ (server.address()).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** CA, apiserver serving certificate, service-account key pair and the admin token. @param {string} openssl @param {string} pki */
async function generatePki(openssl, pki) {
  mkdirSync(pki, { recursive: true });
  const run = (/** @type {string[]} */ args) => execFileAsync(openssl, args, { cwd: pki });
  await Promise.all([
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/CN=hotfix-test-ca']),
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'apiserver.key', '-out', 'apiserver.csr', '-subj', '/CN=kube-apiserver']),
    run(['genrsa', '-out', 'sa.key', '2048']),
  ]);
  writeFileSync(
    path.join(pki, 'ext.cnf'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n' +
      'extendedKeyUsage=serverAuth\n',
  );
  const [, , rand] = await Promise.all([
    run(['x509', '-req', '-in', 'apiserver.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'apiserver.crt', '-days', '3650', '-extfile', 'ext.cnf']),
    run(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']),
    run(['rand', '-hex', '16']),
  ]);
  const token = rand.stdout.trim();
  writeFileSync(path.join(pki, 'tokens.csv'), `${token},admin,admin,system:masters\n`, { mode: 0o600 });
  writeFileSync(path.join(pki, 'token'), `${token}\n`, { mode: 0o600 });
  return token;
}

/** @param {string} file @param {number} [lines] */
function tail(file, lines = 15) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).map((line) => `    ${line}`).join('\n');
  } catch {
    return '    (no log)';
  }
}

/** Whether any process of the group is alive, by `kill -0`. @param {number} pgid */
export function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/** @param {number} pgid @param {NodeJS.Signals} signal */
function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Process groups of running clusters, killed synchronously if this process exits without stopping them. */
const live = new Set();
process.on('exit', () => {
  for (const pgid of live) signalGroup(pgid, 'SIGKILL');
});

class Launcher {
  /** @param {string} logs */
  constructor(logs) {
    this.logs = logs;
    /** @type {(ClusterProcess & { exit?: string })[]} */
    this.processes = [];
  }

  /** @param {string} name @param {string} command @param {string[]} args @param {NodeJS.ProcessEnv} [env] */
  start(name, command, args, env) {
    const log = path.join(this.logs, `${name}.log`);
    const fd = openSync(log, 'a');
    const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], ...(env ? { env: { ...process.env, ...env } } : {}) });
    closeSync(fd);
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    /** @type {ClusterProcess & { exit?: string }} */
    const entry = { name, pid: child.pid, log };
    child.once('exit', (code, signal) => {
      entry.exit = signal ? `signal ${signal}` : `code ${code}`;
    });
    child.unref();
    live.add(child.pid);
    this.processes.push(entry);
    return entry;
  }

  /** Throws if a component has exited, naming its log. */
  check() {
    for (const entry of this.processes) {
      if (entry.exit !== undefined) {
        const error = new Error(`${entry.name} exited during start-up (${entry.exit}); read ${entry.log}:\n${tail(entry.log)}`);
        /** @type {any} */ (error).addressInUse = /address already in use/.test(tail(entry.log, 200));
        throw error;
      }
    }
  }
}

/**
 * GET/POST on the apiserver with the admin token and the test CA.
 * @param {{ server: string, token: string, ca: Buffer }} api @param {string} method @param {string} urlPath @param {unknown} [body]
 * @returns {Promise<{ status: number, json: any }>}
 */
function apiRequest(api, method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      new URL(urlPath, api.server),
      {
        method,
        ca: api.ca,
        timeout: 5000,
        headers: {
          Authorization: `Bearer ${api.token}`,
          Accept: 'application/json',
          ...(payload ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Polls `probe` until it returns something truthy; checks the components in between.
 * @template T
 * @param {Launcher} launcher @param {string} what @param {string} log @param {number} timeoutMs @param {() => Promise<T | undefined | false>} probe
 * @returns {Promise<T>}
 */
async function waitUntil(launcher, what, log, timeoutMs, probe) {
  const end = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    launcher.check();
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = /** @type {Error} */ (error).message;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (last error: ${last})` : ''}; read ${log}:\n${tail(log)}`);
    }
    await sleep(150);
  }
}

/** @param {string} file @param {{ server: string, caFile: string, token: string }} c */
function writeKubeconfig(file, c) {
  // JSON strings are YAML strings: paths and the token need no escaping beyond JSON's.
  const q = JSON.stringify;
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: ${CONTEXT}`,
      `  cluster: {server: ${q(c.server)}, certificate-authority: ${q(c.caFile)}}`,
      'users:',
      `- name: ${CONTEXT}-admin`,
      `  user: {token: ${q(c.token)}}`,
      'contexts:',
      `- name: ${CONTEXT}`,
      `  context: {cluster: ${CONTEXT}, user: ${CONTEXT}-admin, namespace: default}`,
      `current-context: ${CONTEXT}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
}

/**
 * Starts the cluster in `dir` (created if needed): pki/, etcd-data/, logs/ and kubeconfig. Resolves once the
 * `default` ServiceAccount exists (pods are rejected before) and the fake node is Ready and schedulable.
 * @param {StartOptions} options
 * @returns {Promise<ClusterHandle>}
 */
export async function startCluster(options) {
  const dir = path.resolve(options.dir);
  const timeoutMs = options.timeoutMs ?? 90_000;
  const { found: bin, missing } = findBinaries(options.binDir);
  if (missing.length > 0) {
    throw new Error(`Kubernetes test binaries not found: ${missing.join(', ')}. Build them once (cached) with: bash ${path.relative(process.cwd(), BUILD_SCRIPT) || BUILD_SCRIPT}`);
  }
  const started = Date.now();
  const pki = path.join(dir, 'pki');
  mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const token = await generatePki(/** @type {string} */ (bin.openssl), pki);
  const caFile = path.join(pki, 'ca.crt');
  const ca = readFileSync(caFile);
  const kubeconfig = path.join(dir, 'kubeconfig');

  for (let attempt = 1; ; attempt++) {
    const launcher = new Launcher(path.join(dir, 'logs'));
    const [etcdClient, etcdPeer, apiserverPort] = /** @type {[number, number, number]} */ (await freePorts(3));
    const server = `https://127.0.0.1:${apiserverPort}`;
    const api = { server, token, ca };
    /** @type {ClusterHandle} */
    const handle = {
      dir, kubeconfig, server, token, caFile,
      ports: { etcdClient, etcdPeer, apiserver: apiserverPort },
      processes: launcher.processes, startupMs: 0,
    };
    try {
      writeKubeconfig(kubeconfig, { server, caFile, token });
      const etcdData = path.join(dir, 'etcd-data');
      rmSync(etcdData, { recursive: true, force: true });
      const etcdUrl = `http://127.0.0.1:${etcdClient}`;
      const peerUrl = `http://127.0.0.1:${etcdPeer}`;
      launcher.start('etcd', /** @type {string} */ (bin.etcd), [
        '--name', 'hotfix-test', '--data-dir', etcdData,
        '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
        '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl,
        '--initial-cluster', `hotfix-test=${peerUrl}`,
        '--unsafe-no-fsync', '--quota-backend-bytes', '1073741824',
      ]);
      const apiserver = launcher.start('kube-apiserver', /** @type {string} */ (bin['kube-apiserver']), [
        `--etcd-servers=${etcdUrl}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
        `--secure-port=${apiserverPort}`,
        `--tls-cert-file=${path.join(pki, 'apiserver.crt')}`, `--tls-private-key-file=${path.join(pki, 'apiserver.key')}`,
        `--client-ca-file=${caFile}`, `--token-auth-file=${path.join(pki, 'tokens.csv')}`, '--authorization-mode=RBAC',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${path.join(pki, 'sa.pub')}`, `--service-account-signing-key-file=${path.join(pki, 'sa.key')}`,
        '--service-cluster-ip-range=10.96.0.0/16', '--endpoint-reconciler-type=none', '--v=1',
      ]);
      await waitUntil(launcher, `kube-apiserver /readyz on ${server}`, apiserver.log, timeoutMs, async () => {
        const { status } = await apiRequest(api, 'GET', '/readyz');
        return status === 200;
      });
      launcher.start('kube-controller-manager', /** @type {string} */ (bin['kube-controller-manager']), [
        `--kubeconfig=${kubeconfig}`, '--leader-elect=false', '--controllers=*',
        `--service-account-private-key-file=${path.join(pki, 'sa.key')}`, `--root-ca-file=${caFile}`,
        '--use-service-account-credentials=false', '--secure-port=0', '--v=1',
        // An HPA's min/max are enforced every sync even without metrics: short, so tests see the fight.
        '--horizontal-pod-autoscaler-sync-period=2s',
      ]);
      launcher.start('kube-scheduler', /** @type {string} */ (bin['kube-scheduler']), [
        `--kubeconfig=${kubeconfig}`, '--leader-elect=false', '--secure-port=0', '--v=1',
      ]);
      const kubelet = launcher.start('fake-kubelet', process.execPath, [path.join(here, 'fake-kubelet.mjs'), kubeconfig, NODE_NAME], {
        // its orphan guard: kill these groups if this process dies without stopCluster
        HOTFIX_KUBE_OWNER_PID: String(process.pid),
        HOTFIX_KUBE_PGIDS: launcher.processes.map((p) => p.pid).join(','),
      });
      const kcmLog = path.join(dir, 'logs', 'kube-controller-manager.log');
      await Promise.all([
        waitUntil(launcher, 'the default ServiceAccount', kcmLog, timeoutMs, async () => {
          const { status } = await apiRequest(api, 'GET', '/api/v1/namespaces/default/serviceaccounts/default');
          return status === 200;
        }),
        waitUntil(launcher, `node ${NODE_NAME} Ready and schedulable`, kubelet.log, timeoutMs, async () => {
          const { status, json } = await apiRequest(api, 'GET', `/api/v1/nodes/${NODE_NAME}`);
          if (status !== 200) return false;
          const ready = json.status?.conditions?.some((/** @type {any} */ c) => c.type === 'Ready' && c.status === 'True');
          const blocked = (json.spec?.taints ?? []).some((/** @type {any} */ t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
          return ready && !blocked;
        }),
      ]);
      handle.startupMs = Date.now() - started;
      return handle;
    } catch (error) {
      await stopCluster(handle);
      if (/** @type {any} */ (error).addressInUse && attempt < 3) continue; // a port was taken between picking and binding
      throw error;
    }
  }
}

/**
 * Stops every component: SIGTERM to each process group, SIGKILL after 5 s, then checks with `kill -0`.
 * @param {ClusterHandle} handle
 */
export async function stopCluster(handle) {
  const groups = handle.processes.map((p) => p.pid);
  for (const pgid of groups) signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (groups.some(groupAlive) && Date.now() < deadline) await sleep(100);
  for (const pgid of groups.filter(groupAlive)) signalGroup(pgid, 'SIGKILL');
  const killDeadline = Date.now() + 3000;
  while (groups.some(groupAlive) && Date.now() < killDeadline) await sleep(50);
  const survivors = handle.processes.filter((p) => groupAlive(p.pid));
  for (const pgid of groups) if (!groupAlive(pgid)) live.delete(pgid);
  if (survivors.length > 0) {
    throw new Error(`still running after SIGKILL: ${survivors.map((p) => `${p.name} (process group ${p.pid})`).join(', ')}`);
  }
}

async function cli() {
  const [command, dirArg] = process.argv.slice(2);
  if (command !== 'up' || !dirArg) {
    console.error('usage: node test/kube/cluster.mjs up DIR   (runs until Ctrl-C / SIGTERM, then stops everything)');
    process.exit(2);
  }
  /** @type {ClusterHandle} */
  let handle;
  try {
    handle = await startCluster({ dir: dirArg });
  } catch (error) {
    console.error(/** @type {Error} */ (error).message);
    process.exit(1);
  }
  console.log(handle.kubeconfig);
  console.error(`cluster up in ${(handle.startupMs / 1000).toFixed(1)}s at ${handle.server}; logs in ${path.join(handle.dir, 'logs')}; Ctrl-C to stop`);
  const keepAlive = setInterval(() => {
    const dead = handle.processes.find((p) => !groupAlive(p.pid));
    if (dead) {
      console.error(`${dead.name} exited; read ${dead.log}. Stopping the cluster.`);
      void shutdown(1);
    }
  }, 1000);
  let stopping = false;
  /** @param {number} code */
  async function shutdown(code) {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAlive);
    try {
      await stopCluster(handle);
    } catch (error) {
      console.error(/** @type {Error} */ (error).message);
      code = 1;
    }
    process.exit(code);
  }
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await cli();
}
