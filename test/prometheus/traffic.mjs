// @ts-check
// The "traffic service" of the metric-gate tests: a loopback HTTP server that simulates an app's real traffic
// from what the test cluster runs, and serves it as Prometheus metrics for a real Prometheus to scrape.
//
// For each watched (namespace, app) it reads, every 200 ms, the Deployments `<app>` (track `stable`),
// `<app>-canary` (track `canary`) and `<app>-baseline` (track `baseline`, a canary's baseline): their status.availableReplicas and first container's image. Every 100 ms it
// "serves" requests at 20 per second in total, split between the tracks by available replicas (no available
// replica anywhere: no request). What a track answers depends on its image:
//   - contains `broken`: 40% code 500, 60% code 200, latency 0.3 s
//   - contains `slow`:   code 200, latency 1.5 s
//   - anything else:     code 200, latency 0.04 s
// Counts are exact over time (fractional accumulators, no randomness). GET /metrics serves
//   http_requests_total{namespace,app,track,code}                     (counter; codes 200 and 500 from the start)
//   http_request_duration_seconds_bucket{namespace,app,track,le} / _sum / _count   (histogram)
// Series exist (at 0) as soon as a pair is watched, so rate() has a baseline and an error ratio is 0, not empty.
//
// Note: the kubelet stand-in (test/kube/fake-kubelet.mjs) keeps a pod whose image *tag* contains `broken` in
// ImagePullBackOff, never available, so it gets no traffic here. For a canary that runs but answers errors, put
// `broken` outside the tag: `web-broken:2.0`.
//
//   import { startTraffic } from './traffic.mjs';
//   const traffic = await startTraffic({ kubeconfig });
//   traffic.watch('my-ns', 'web');   // Prometheus scrapes traffic.target
//   await traffic.stop();
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';

export const REQUESTS_PER_SECOND = 20;
export const TICK_MS = 100;
export const POLL_MS = 200;
export const BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
export const TRACKS = /** @type {const} */ (['stable', 'canary', 'baseline']);
const CODES = ['200', '500'];

/**
 * @typedef {'stable' | 'canary' | 'baseline'} Track
 * @typedef {{ errorRatio: number, latencySeconds: number, jitter?: number }} Behaviour
 * @typedef {{
 *   available: number, image: string | undefined,
 *   requests: Map<string, number>, buckets: number[], sum: number, count: number,
 *   share: number, errors: number,
 * }} TrackState
 * @typedef {{ namespace: string, app: string, tracks: Record<Track, TrackState>, polling: boolean, lastError: Record<Track, string> }} Watched
 */

/**
 * What an image answers. Besides `broken` and `slow`, a repository name may carry a latency
 * distribution for the baseline comparisons: `lat<ms>` sets the mean latency, `jit<percent>` spreads
 * each request's latency around it (a deterministic wave, so a window's mean moves from sample to
 * sample as a real service's does), e.g. `web-lat52-jit20:1.1`.
 * @param {string | undefined} image @returns {Behaviour}
 */
export function behaviour(image) {
  if (image && image.includes('broken')) return { errorRatio: 0.4, latencySeconds: 0.3 };
  if (image && image.includes('slow')) return { errorRatio: 0, latencySeconds: 1.5 };
  const name = (image ?? '').split(':')[0] ?? '';
  const lat = /-lat(\d+)/.exec(name);
  const jit = /-jit(\d+)/.exec(name);
  return { errorRatio: 0, latencySeconds: lat ? Number(lat[1]) / 1000 : 0.04, ...(jit ? { jitter: Number(jit[1]) / 100 } : {}) };
}

/**
 * The latency of the `k`-th request at `ms` (performance time): the mean, moved by the jitter along
 * two waves (a slow one of 9 s, and one per request), never below 1 ms.
 * @param {Behaviour} b @param {number} ms @param {number} k
 */
export function latencyOf(b, ms, k) {
  const j = b.jitter ?? 0;
  return Math.max(0.001, b.latencySeconds * (1 + j * (0.7 * Math.sin((2 * Math.PI * ms) / 9000) + 0.3 * Math.sin(k * 2.39))));
}

/** @returns {TrackState} */
function newTrack() {
  return { available: 0, image: undefined, requests: new Map(CODES.map((c) => [c, 0])), buckets: BUCKETS.map(() => 0), sum: 0, count: 0, share: 0, errors: 0 };
}

/** @param {string} value */
const escapeLabel = (value) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
/** @param {Record<string, string>} labels */
const labelText = (labels) => `{${Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
/** @param {number} n */
const num = (n) => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(15))));

/**
 * @param {{ kubeconfig: string, port?: number, host?: string, log?: (message: string) => void }} options
 */
export async function startTraffic(options) {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(options.kubeconfig);
  const appsApi = kc.makeApiClient(k8s.AppsV1Api);
  const say = options.log ?? (() => {});

  /** @type {Map<string, Watched>} */
  const watched = new Map();
  const key = (/** @type {string} */ namespace, /** @type {string} */ app) => `${namespace}/${app}`;

  /** @param {string} name @param {string} namespace */
  async function readDeployment(name, namespace) {
    try {
      const d = await appsApi.readNamespacedDeployment({ name, namespace });
      return { available: d.status?.availableReplicas ?? 0, image: d.spec?.template?.spec?.containers?.[0]?.image };
    } catch (error) {
      if (/** @type {{ code?: number }} */ (error)?.code === 404) return { available: 0, image: undefined };
      throw error;
    }
  }

  /** @param {Watched} w */
  async function poll(w) {
    if (w.polling) return;
    w.polling = true;
    try {
      const [stable, canary, baseline] = await Promise.allSettled([readDeployment(w.app, w.namespace), readDeployment(`${w.app}-canary`, w.namespace), readDeployment(`${w.app}-baseline`, w.namespace)]);
      for (const [track, result] of /** @type {const} */ ([['stable', stable], ['canary', canary], ['baseline', baseline]])) {
        if (result.status === 'fulfilled') {
          w.tracks[track].available = result.value.available;
          w.tracks[track].image = result.value.image;
          w.lastError[track] = '';
        } else {
          // Keep the last known state; report a new kind of error once.
          const message = /** @type {Error} */ (result.reason)?.message ?? String(result.reason);
          if (message !== w.lastError[track]) say(`traffic: reading ${track} of ${w.namespace}/${w.app}: ${message}`);
          w.lastError[track] = message;
        }
      }
    } finally {
      w.polling = false;
    }
  }

  let last = performance.now();
  /** Serves the requests of the time since the last tick. */
  function tick() {
    const now = performance.now();
    const seconds = (now - last) / 1000;
    last = now;
    for (const w of watched.values()) {
      const total = TRACKS.reduce((sum, track) => sum + w.tracks[track].available, 0);
      for (const track of TRACKS) {
        const t = w.tracks[track];
        if (total <= 0 || t.available <= 0) continue;
        t.share += REQUESTS_PER_SECOND * seconds * (t.available / total);
        const n = Math.floor(t.share);
        if (n <= 0) continue;
        t.share -= n;
        const b = behaviour(t.image);
        t.errors += n * b.errorRatio;
        const failed = Math.min(n, Math.floor(t.errors + 1e-9));
        t.errors -= failed;
        t.requests.set('500', (t.requests.get('500') ?? 0) + failed);
        t.requests.set('200', (t.requests.get('200') ?? 0) + (n - failed));
        for (let r = 0; r < n; r++) {
          const latency = latencyOf(b, now, t.count + r);
          BUCKETS.forEach((le, i) => {
            if (latency <= le) t.buckets[i] = (t.buckets[i] ?? 0) + 1;
          });
          t.sum += latency;
        }
        t.count += n;
      }
    }
  }

  function metrics() {
    const lines = [
      '# HELP http_requests_total Requests served by the app, simulated from the test cluster by test/prometheus/traffic.mjs.',
      '# TYPE http_requests_total counter',
    ];
    for (const w of watched.values()) {
      for (const track of TRACKS) {
        for (const [code, value] of w.tracks[track].requests) {
          lines.push(`http_requests_total${labelText({ namespace: w.namespace, app: w.app, track, code })} ${value}`);
        }
      }
    }
    lines.push(
      '# HELP http_request_duration_seconds Request latency, simulated from the test cluster by test/prometheus/traffic.mjs.',
      '# TYPE http_request_duration_seconds histogram',
    );
    for (const w of watched.values()) {
      for (const track of TRACKS) {
        const t = w.tracks[track];
        const base = { namespace: w.namespace, app: w.app, track };
        BUCKETS.forEach((le, i) => lines.push(`http_request_duration_seconds_bucket${labelText({ ...base, le: num(le) })} ${t.buckets[i] ?? 0}`));
        lines.push(`http_request_duration_seconds_bucket${labelText({ ...base, le: '+Inf' })} ${t.count}`);
        lines.push(`http_request_duration_seconds_sum${labelText(base)} ${num(t.sum)}`);
        lines.push(`http_request_duration_seconds_count${labelText(base)} ${t.count}`);
      }
    }
    lines.push(
      '# HELP traffic_available_replicas Available replicas per track, as the traffic service last read them.',
      '# TYPE traffic_available_replicas gauge',
    );
    for (const w of watched.values()) {
      for (const track of TRACKS) {
        lines.push(`traffic_available_replicas${labelText({ namespace: w.namespace, app: w.app, track })} ${w.tracks[track].available}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(metrics());
    } else if (req.method === 'GET' && url.pathname === '/state') {
      const state = [...watched.values()].map((w) => ({
        namespace: w.namespace,
        app: w.app,
        tracks: Object.fromEntries(TRACKS.map((t) => [t, { available: w.tracks[t].available, image: w.tracks[t].image, served: w.tracks[t].count }])),
      }));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(state));
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found: GET /metrics or /state\n');
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `http://${host}:${port}`;

  const ticker = setInterval(tick, TICK_MS);
  const poller = setInterval(() => {
    for (const w of watched.values()) void poll(w);
  }, POLL_MS);
  ticker.unref();
  poller.unref();
  say(`traffic service on ${url}/metrics`);

  let stopped = false;
  return {
    url,
    port,
    target: `${host}:${port}`,
    /** Starts simulating traffic for `<app>` and `<app>-canary` in `namespace` (idempotent). @param {string} namespace @param {string} app */
    watch(namespace, app) {
      const k = key(namespace, app);
      if (watched.has(k)) return;
      /** @type {Watched} */
      const w = { namespace, app, tracks: { stable: newTrack(), canary: newTrack(), baseline: newTrack() }, polling: false, lastError: { stable: '', canary: '', baseline: '' } };
      watched.set(k, w);
      void poll(w);
    },
    /** Stops it; its series disappear from /metrics. @param {string} namespace @param {string} app */
    unwatch(namespace, app) {
      watched.delete(key(namespace, app));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(ticker);
      clearInterval(poller);
      watched.clear();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
