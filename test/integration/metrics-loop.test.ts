// Proves the metric-gate loop is real: Deployments in the test cluster -> the traffic service reads their
// available replicas and images -> a real Prometheus scrapes it -> PromQL answers what a gate would ask.
//
// The canary's image is `web-broken:2.0`, not `web:2.0-broken`: the kubelet stand-in keeps a pod whose image
// *tag* contains `broken` in ImagePullBackOff (a failed rollout on purpose), so such a canary is never available
// and gets no traffic. `broken` outside the tag pulls and runs, and the traffic service answers 40% errors for it.

import assert from 'node:assert/strict';
import { apps, type Apps } from './fixtures/apps';
import { kubeCluster, KUBE_START_TIMEOUT_MS, type KubeCluster } from './fixtures/cluster';
import { metricsLoop, METRICS_START_TIMEOUT_MS, type MetricsLoop } from './fixtures/prometheus';

const WAIT_MS = 60_000;

describe('metrics loop: cluster -> traffic -> Prometheus', function () {
  this.timeout(4 * WAIT_MS);
  let cluster: KubeCluster;
  let k: Apps;
  let loop: MetricsLoop;
  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS + METRICS_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    k = await apps(cluster);
    const t0 = Date.now();
    loop = await metricsLoop(cluster);
    if (process.env.VERBOSE === '1') {
      process.stderr.write(`[metrics loop] started in ${Date.now() - t0} ms (Prometheus ready in ${loop.startupMs} ms) at ${loop.prometheusUrl}\n`);
    }
  });
  after(() => k?.dispose());

  it('sees a healthy stable, then a canary answering 40% errors at 0.3 s while stable stays clean', async () => {
    const started = Date.now();
    const ns = await cluster.namespace('metrics-loop');
    const sel = (extra = '') => `namespace="${ns}",app="web"${extra}`;
    const rate = (extra = '') => `sum(rate(http_requests_total{${sel(extra)}}[5s]))`;
    const errorRatio = (track?: string) => {
      const t = track ? `,track="${track}"` : '';
      return `${rate(`${t},code=~"5.."`)} / ${rate(t)}`;
    };
    const p95 = (track: string) => `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${sel(`,track="${track}"`)}}[5s])))`;
    const timings: string[] = [];
    const mark = (what: string) => timings.push(`${what} at ${((Date.now() - started) / 1000).toFixed(1)}s`);

    await k.deployment(ns, 'web', 'web:1.0', { app: 'web', track: 'stable' }, 2);
    mark('stable available');
    loop.watch(ns, 'web');
    try {
      // Traffic flows: 20 requests per second, all on stable, none failing.
      const total = await loop.waitForQuery(rate(), (v) => v > 0, WAIT_MS);
      mark(`first non-empty rate (${total.toFixed(2)}/s)`);
      await loop.waitForQuery(rate(), (v) => v > 15 && v < 25, WAIT_MS);
      assert.equal(await loop.waitForQuery(errorRatio(), (v) => v === 0, WAIT_MS), 0);
      const stableP95 = await loop.waitForQuery(p95('stable'), (v) => v > 0 && v < 0.1, WAIT_MS);
      mark(`stable p95 ${stableP95.toFixed(3)}s`);

      // A canary that runs but answers errors: half the replicas, half the traffic.
      await k.deployment(ns, 'web-canary', 'web-broken:2.0', { app: 'web', track: 'canary' }, 2);
      mark('canary available');
      const canaryRatio = await loop.waitForQuery(errorRatio('canary'), (v) => v > 0.3 && v < 0.5, WAIT_MS);
      mark(`canary error ratio ${canaryRatio.toFixed(3)}`);
      assert.equal(await loop.waitForQuery(errorRatio('stable'), (v) => v === 0, WAIT_MS), 0);
      const canaryP95 = await loop.waitForQuery(p95('canary'), (v) => v > 0.25, WAIT_MS);
      mark(`canary p95 ${canaryP95.toFixed(3)}s`);
      // The canary's share follows available replicas: 2 of 4, about 10 of the 20 requests per second.
      await loop.waitForQuery(`${rate(',track="canary"')} / ${rate()}`, (v) => v > 0.35 && v < 0.65, WAIT_MS);
      // The overall ratio mixes both tracks: about 0.4 x 1/2.
      await loop.waitForQuery(errorRatio(), (v) => v > 0.1 && v < 0.3, WAIT_MS);
      mark('done');
    } finally {
      loop.unwatch(ns, 'web');
      if (process.env.VERBOSE === '1') {
        process.stderr.write(`[metrics loop] ${timings.join('; ')}\n`);
      }
    }
  });
});
