// @ts-check
// `npm run try`: the whole tool on a local sandbox, nothing of the user's touched. It starts the local
// Kubernetes control plane of the tests (built once by test/kube/build-kube.sh) with demo apps in namespace
// `demo`, the loopback traffic service and a real Prometheus scraping it, a demo repository with a
// .hotfix/config.yaml on them, and code-server with the extension under development; prints the URL and a
// guide; stops everything on Ctrl-C or SIGTERM.
//
//   node scripts/try/run.mjs [--check] [--cache=DIR]
//
// State lives in --cache=DIR, else $HOTFIX_CACHE/try, else ~/.cache/hotfix-deployer/try: the repository,
// the editor profile, Prometheus' data, the cluster's logs and kubeconfig. The built kube binaries and
// code-server always come from the normal cache ($HOTFIX_CACHE or ~/.cache/hotfix-deployer).
// --check starts everything, checks that the editor answers and shows the extension, that the demo
// Deployments are available and that Prometheus answers a query about them, prints OK and stops.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_SCRIPT, findBinaries, startCluster, stopCluster } from '../../test/kube/cluster.mjs';
import { waitFor } from '../../test/kube/wait.mjs';
import { query, startPrometheus } from '../../test/prometheus/prometheus.mjs';
import { startTraffic } from '../../test/prometheus/traffic.mjs';
import { clients, deployDemoApps, unavailable } from './demo-apps.mjs';
import { checkWorkbench, editorInstalled, startEditor } from './editor.mjs';
import { guide } from './guide.mjs';
import { ensureInfra, ensureRepository } from './repo.mjs';

const EXT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NAMESPACE = 'demo';
const t0 = Date.now();
const secs = (/** @type {number} */ since = t0) => `${((Date.now() - since) / 1000).toFixed(1)}s`;
const say = (/** @type {string} */ message) => console.error(`[try ${secs().padStart(6)}] ${message}`);

function parseArgs() {
  const options = { check: false, cache: '' };
  for (const arg of process.argv.slice(2)) {
    if (arg === '--check') options.check = true;
    else if (arg.startsWith('--cache=')) options.cache = path.resolve(arg.slice('--cache='.length));
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node scripts/try/run.mjs [--check] [--cache=DIR]\n' +
        '  --check      start everything, check it answers, print OK and stop\n' +
        '  --cache=DIR  the sandbox state folder (default $HOTFIX_CACHE/try or ~/.cache/hotfix-deployer/try)');
      process.exit(0);
    } else {
      console.error(`unknown option ${arg}; see --help`);
      process.exit(2);
    }
  }
  const cache = process.env.HOTFIX_CACHE || path.join(os.homedir(), '.cache', 'hotfix-deployer');
  options.cache ||= path.join(cache, 'try');
  return options;
}

/** Runs a set-up script with its output shown, printing the elapsed time every 30 s. @param {string} script @param {string} what */
function runSetup(script, what) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn('bash', [script], { stdio: 'inherit' });
    const beat = setInterval(() => say(`${what}: still working (${secs(started)})`), 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearInterval(beat);
      if (code === 0) resolve(undefined);
      else reject(new Error(`${path.relative(EXT, script)} failed (exit ${code})`));
    });
  });
}

/** Once per machine: the kube binaries, Prometheus and code-server, from Debian packages and npm. */
async function ensureInstalled() {
  for (const file of ['dist/extension.js', 'dist/cli.js']) {
    if (!existsSync(path.join(EXT, file))) throw new Error(`${file} is missing: run npm run build (npm run try does)`);
  }
  if (findBinaries().missing.length > 0) {
    say('builds the local cluster once (7–10 minutes): Kubernetes 1.20.2 from Debian\'s source package; later runs reuse it');
    await runSetup(BUILD_SCRIPT, 'building the local cluster');
  }
  if (!(await onPath('prometheus'))) {
    say('installs Prometheus once (Debian package, about 10 s)');
    await runSetup(path.join(EXT, 'test/prometheus/setup-prometheus.sh'), 'installing Prometheus');
  }
  if (!editorInstalled()) {
    say('installs code-server once (npm, compiles native modules: a few minutes)');
    await runSetup(path.join(EXT, 'test/host/setup-vscode-host.sh'), 'installing code-server');
  }
}

/** @param {string} name */
async function onPath(name) {
  const { accessSync, constants } = await import('node:fs');
  return (process.env.PATH || '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return dir !== '';
    } catch {
      return false;
    }
  });
}

/** @param {number} [port] @returns {Promise<number>} a free loopback port (the given one if free) */
function freePort(port = 0) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(bound));
    });
  });
}

/**
 * The sandbox's Prometheus address stays the same across runs (it is in the committed config): a loopback
 * relay on that fixed port forwards to the Prometheus of this run, which listens wherever it could.
 * @param {number} port @param {number} target
 */
function relay(port, target) {
  const sockets = new Set();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(target, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => { inbound.destroy(); outbound.destroy(); });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(/** @type {NodeJS.ErrnoException} */ (error).code === 'EADDRINUSE'
      ? new Error(`port ${port} of the sandbox's Prometheus (prometheus.url in the demo repository's .hotfix/config.yaml) is taken by another program; free it, or pass another --cache=DIR`)
      : error));
    server.listen(port, '127.0.0.1', () => resolve({
      close: () => new Promise((done) => { for (const s of sockets) s.destroy(); server.close(() => done(undefined)); }),
    }));
  });
}

async function main() {
  const options = parseArgs();
  const state = options.cache;
  mkdirSync(state, { recursive: true });
  /** @type {{ name: string, stop: () => Promise<unknown> }[]} */
  const running = [];
  let stopping = false;
  const stopAll = async (/** @type {number} */ code) => {
    if (stopping) return;
    stopping = true;
    say('stopping everything…');
    for (const { name, stop } of running.reverse()) {
      try {
        await stop();
      } catch (error) {
        console.error(`[try] stopping ${name}: ${/** @type {Error} */ (error).message}`);
        code = code || 1;
      }
    }
    say(code === 0 ? 'stopped' : 'stopped (with errors above)');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    say(`sandbox state in ${state}`);
    await ensureInstalled();

    // The repository, with the fixed Prometheus port it names (chosen free on the first run).
    const statePath = path.join(state, 'state.json');
    /** @type {{ prometheusPort?: number }} */
    let saved = {};
    try { saved = JSON.parse(readFileSync(statePath, 'utf8')); } catch { /* first run */ }
    const prometheusPort = saved.prometheusPort ?? (await freePort());
    const repo = ensureRepository(state, { namespace: NAMESPACE, prometheusUrl: `http://127.0.0.1:${prometheusPort}` });
    const prometheusUrl = repo.prometheusUrl ?? `http://127.0.0.1:${prometheusPort}`;
    writeFileSync(statePath, `${JSON.stringify({ prometheusPort: Number(new URL(prometheusUrl).port) }, null, 2)}\n`);
    say(`${repo.created ? 'created' : 'reusing'} the demo repository ${repo.work}`);
    const infra = ensureInfra(state);

    say('starting the local cluster (etcd, kube-apiserver, controller-manager, scheduler, kubelet stand-in)');
    const cluster = await startCluster({ dir: path.join(state, 'cluster') });
    running.push({ name: 'the cluster', stop: () => stopCluster(cluster) });
    say(`cluster up in ${(cluster.startupMs / 1000).toFixed(1)}s at ${cluster.server}`);
    await deployDemoApps(cluster.kubeconfig, NAMESPACE);
    say(`demo apps available in namespace ${NAMESPACE}: api, checkout-blue, checkout-green, web`);

    // In-flight reads fail while everything stops: not worth a line then.
    const traffic = await startTraffic({ kubeconfig: cluster.kubeconfig, log: (m) => { if (!stopping) say(m); } });
    running.push({ name: 'the traffic service', stop: () => traffic.stop() });
    traffic.watch(NAMESPACE, 'web');
    traffic.watch(NAMESPACE, 'api');
    const prom = await startPrometheus({ dir: path.join(state, 'prometheus'), targets: [traffic.target] });
    running.push({ name: 'Prometheus', stop: () => prom.stop() });
    const promRelay = /** @type {{ close: () => Promise<unknown> }} */ (await relay(Number(new URL(prometheusUrl).port), prom.port));
    running.push({ name: 'the Prometheus relay', stop: () => promRelay.close() });
    say(`Prometheus ready at ${prometheusUrl}`);

    const editor = await startEditor({ dir: path.join(state, 'editor'), extension: EXT, folder: repo.work, kubeconfig: cluster.kubeconfig });
    running.push({ name: 'code-server', stop: () => editor.stop() });
    say(`code-server ready on ${editor.base} (log ${editor.log})`);

    if (options.check) {
      const page = await fetch(editor.url);
      if (!page.ok) throw new Error(`the editor URL answered HTTP ${page.status}`);
      const waiting = await unavailable(clients(cluster.kubeconfig).apps, NAMESPACE);
      if (waiting.length > 0) throw new Error(`demo Deployments not available: ${waiting.join(', ')}`);
      const promql = `sum(rate(http_requests_total{namespace="${NAMESPACE}",app="web"}[5s]))`;
      await waitFor(`Prometheus to answer ${promql} with traffic`, async () => {
        const data = await query(prometheusUrl, promql);
        return Array.isArray(data.result) && data.result.length > 0 && Number(data.result[0].value[1]) > 0;
      }, { timeoutMs: 30_000 });
      say(`Prometheus answers: ${promql} > 0`);
      const ms = await checkWorkbench(editor.url, path.join(state, 'editor'));
      say(`the workbench shows the Hotfix view (${(ms / 1000).toFixed(1)}s)`);
      console.log(`OK: editor ${editor.base}, cluster ${cluster.server} (namespace ${NAMESPACE} available), Prometheus ${prometheusUrl}; all up in ${secs()}`);
      await stopAll(0);
      return;
    }

    console.log(guide({
      url: editor.url, work: repo.work, infra: infra.work, kubeconfig: cluster.kubeconfig, extension: EXT, prometheusUrl,
      trafficUrl: traffic.url, state, namespace: NAMESPACE,
    }));
    say(`ready in ${secs()}; Ctrl-C to stop everything`);
    // Stay up until a signal; if a part dies, say so and stop the rest.
    setInterval(() => {
      const dead = cluster.processes.find((p) => { try { process.kill(-p.pid, 0); return false; } catch { return true; } });
      if (dead && !stopping) {
        console.error(`[try] ${dead.name} exited; read ${dead.log}`);
        void stopAll(1);
      }
    }, 2000);
  } catch (error) {
    console.error(`[try] ${/** @type {Error} */ (error).message}`);
    await stopAll(1);
  }
}

await main();
