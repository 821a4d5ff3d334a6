// @ts-check
// `npm run try`: the whole tool on a local sandbox, nothing of the user's touched. It opens code-server with
// the extension under development on a demo repository with a .hotfix/config.yaml, then starts the local
// Kubernetes control plane of the tests with demo apps in namespace `demo`, the loopback traffic service and
// a real Prometheus scraping it; prints the URL and a guide; stops everything on Ctrl-C or SIGTERM.
// On a machine's first run the control plane is built (test/kube/build-kube.sh, about 17 minutes) in the
// background while the editor opens: the status line goes to this terminal, an editor terminal and the
// Deployments view (cluster-status.mjs). Set-up output is folded to one line per step (setup.mjs).
//
//   node scripts/try/run.mjs [--check] [--cache=DIR]
//
// State lives in --cache=DIR, else $HOTFIX_CACHE/try, else ~/.cache/hotfix-deployer/try: the repository,
// the editor profile, Prometheus' data, the cluster's logs and kubeconfig. The built kube binaries and
// code-server always come from the normal cache ($HOTFIX_CACHE or ~/.cache/hotfix-deployer).
// --check starts everything, checks that the editor answers and shows the extension, that the demo
// Deployments are available and that Prometheus answers a query about them, prints OK and stops.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster, stopCluster } from '../../test/kube/cluster.mjs';
import { waitFor } from '../../test/kube/wait.mjs';
import { query, startPrometheus } from '../../test/prometheus/prometheus.mjs';
import { startTraffic } from '../../test/prometheus/traffic.mjs';
import { clients, deployDemoApps, unavailable } from './demo-apps.mjs';
import { progressTask, startStandIn, statusFile } from './cluster-status.mjs';
import { checkWorkbench, startEditor } from './editor.mjs';
import { guide } from './guide.mjs';
import { ensureInfra, ensureRepository } from './repo.mjs';
import { BUILD_KUBE, buildProgress, clusterBuilt, ensureEditorParts, runFolded } from './setup.mjs';

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
    const logs = path.join(state, 'logs');
    const status = statusFile(path.join(state, 'cluster-status'));
    // The cluster's build (once per machine) goes on in the background at a low priority: the editor opens first.
    const building = !clusterBuilt();
    /** @type {Promise<string | undefined>} the build's error, if it failed */
    let built = Promise.resolve(undefined);
    if (building) {
      say('building the local cluster once, in the background: about 17 minutes on 2 cores (the editor opens before; later runs reuse it)');
      status.set('building the local cluster: starting');
      // Its status line, here whenever it changes (a step, or a minute less), and for the editor (cluster-status.mjs).
      const follow = setInterval(() => {
        const line = buildProgress();
        if (line && line !== status.get()) say(line);
        if (line) status.set(line);
      }, 2000);
      built = runFolded(BUILD_KUBE, { logs, say: (line) => { if (!line.startsWith('building the local cluster:')) say(line); }, nice: true }).then(
        () => undefined,
        (/** @type {Error} */ error) => error.message,
      ).finally(() => clearInterval(follow));
    } else {
      status.set('starting the local cluster');
    }
    await ensureEditorParts({ logs, say });

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

    // The editor, with a kubeconfig that names the stand-in until the cluster is up (cluster-status.mjs).
    const kubeconfig = path.join(state, 'cluster', 'kubeconfig');
    const standIn = await startStandIn(kubeconfig, status.get);
    running.push({ name: 'the stand-in API server', stop: () => standIn.close() });
    progressTask(repo.work, status.file);
    const editor = await startEditor({ dir: path.join(state, 'editor'), extension: EXT, folder: repo.work, kubeconfig });
    running.push({ name: 'code-server', stop: () => editor.stop() });
    say(`code-server ready on ${editor.base} (log ${editor.log})`);
    if (building) {
      console.log(`\n  The editor is ready (${secs()}): ${editor.url}\n` +
        '  Hotfix branches, incidents and the timeline panel work now. Deploys, rollbacks and the Deployments view\n' +
        `  wait for the local cluster: ${status.get()}.\n  The editor's terminal "Hotfix Deployer sandbox: local cluster" follows it; so does this one.\n`);
    }

    const buildError = await built;
    if (buildError) {
      status.set(`building the local cluster failed: read ${path.join(logs, 'build-kube.log')}`);
      if (options.check) throw new Error(buildError);
      console.error(`[try] ${buildError}\n[try] the editor stays up without the cluster (hotfix branches and incidents work); Ctrl-C stops it`);
      return;
    }
    status.set('starting the local cluster');
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
    status.set(`the local cluster is up at ${cluster.server}, with the demo apps in namespace ${NAMESPACE}`);

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
      const ms = await checkWorkbench(editor.url, path.join(state, 'editor'), { target: 'rolling', row: /^Deployment api in hotfix-test\/demo\napi:1\.4\.0$/ });
      say(`the workbench shows the Hotfix view, and the Deployments view shows rolling's api:1.4.0 from the cluster (${(ms / 1000).toFixed(1)}s)`);
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
