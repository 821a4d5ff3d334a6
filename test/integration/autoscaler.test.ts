import assert from 'node:assert/strict';
import type * as K8s from '@kubernetes/client-node';
import type { CanaryGate } from '../../src/core/deploy/canary-gate';
import { deploy } from '../../src/core/deploy/deploy';
import { autoscalerLine, describeAutoscalers } from '../../src/core/deploy/autoscaler';
import { describeTarget } from '../../src/core/deploy/describe';
import { retireOldColour } from '../../src/core/deploy/retire';
import { rollback } from '../../src/core/deploy/rollback';
import type { SmokeRunner } from '../../src/core/deploy/context';
import type { TargetConfig } from '../../src/core/config/types';
import { apps, type Apps } from './fixtures/apps';
import { kubeCluster, KUBE_START_TIMEOUT_MS, type KubeCluster } from './fixtures/cluster';
import { HTTPROUTE, routes, type Routes } from './fixtures/routes';

// The HPA controller of the real kube-controller-manager runs here with a 2 s sync period and no
// metrics server: it cannot compute a metric, but it still scales a Deployment back inside its
// min/max at every sync, which is exactly the fight a deploy that scales under an HPA gets into.

const SYNC_MS = 2_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('deploys under a HorizontalPodAutoscaler on a real control plane', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let k: Apps;
  let r: Routes;
  let hpa: K8s.AutoscalingV2Api;
  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    k = await apps(cluster);
    r = await routes(cluster);
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    hpa = kc.makeApiClient(k8s.AutoscalingV2Api);
  });
  after(() => k?.dispose());

  async function autoscale(ns: string, deployment: string, minReplicas: number, maxReplicas: number): Promise<void> {
    await hpa.createNamespacedHorizontalPodAutoscaler({
      namespace: ns,
      body: {
        metadata: { name: deployment },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment },
          minReplicas,
          maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
        },
      },
    });
  }
  /** The HPA's bounds and the annotations this tool writes on it. */
  async function bounds(ns: string, name: string): Promise<{ min?: number; max: number; ours: Record<string, string> }> {
    const h = await hpa.readNamespacedHorizontalPodAutoscaler({ name, namespace: ns });
    const ours = Object.fromEntries(Object.entries(h.metadata?.annotations ?? {}).filter(([key]) => key.startsWith('hotfix-deployer.io/')));
    return { ...(h.spec?.minReplicas !== undefined ? { min: h.spec.minReplicas } : {}), max: h.spec?.maxReplicas ?? 0, ours };
  }
  const replicas = async (ns: string, name: string) => (await k.apps.readNamespacedDeployment({ name, namespace: ns })).spec?.replicas;
  async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(200)) if (await check()) return;
    assert.fail(`timed out waiting for ${what}`);
  }
  async function stable(ns: string, count: number, selector: Record<string, string> = { app: 'web' }): Promise<void> {
    await k.deployment(ns, 'web', 'web:1.0', { app: 'web', track: 'stable' }, count);
    await k.service(ns, 'web', selector);
  }
  const canaryTarget = (ns: string, canary: TargetConfig['canary'] = {}): TargetConfig => ({ namespace: ns, app: 'web', strategy: 'canary', canary: { pause: `${3 * SYNC_MS}ms`, ...canary } });

  it('the HPA controller enforces its minimum without metrics: the fight a deploy must avoid', async () => {
    const ns = await cluster.namespace('hpa-fight');
    await stable(ns, 4);
    await autoscale(ns, 'web', 4, 10);
    await k.apps.patchNamespacedDeployment({ name: 'web', namespace: ns, body: [{ op: 'replace', path: '/spec/replicas', value: 3 }] });
    await until('the HPA to scale web back to 4', async () => (await replicas(ns, 'web')) === 4);
  });

  describe('canary by replicas', () => {
    it('holds stable at 3 and the canary at 1 across a pause of several HPA syncs, then promotes and restores min 4 max 10', async () => {
      const ns = await cluster.namespace('hpa-canary');
      await stable(ns, 4);
      await autoscale(ns, 'web', 4, 10);
      const seen: string[] = [];
      const gate: CanaryGate = {
        name: 'hpa-check',
        async judge(step) {
          if (step.index > 0) return { pass: true, reason: 'ok', measurements: [] };
          // After a pause of three HPA syncs: the split is as the tool set it, and the HPA holds it.
          seen.push(`${await replicas(ns, 'web')}/${await replicas(ns, 'web-canary')}`);
          const b = await bounds(ns, 'web');
          seen.push(`${b.min}-${b.max} ${b.ours['hotfix-deployer.io/bounds-before'] ?? ''}`);
          return { pass: true, reason: 'ok', measurements: [] };
        },
      };
      const progress: string[] = [];
      const ctx = await k.context('staging', canaryTarget(ns, { steps: [25, 100] }), { canaryGate: gate, progress: (m) => progress.push(m) });
      const outcome = await deploy(ctx, { image: 'web:1.1' });
      assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
      assert.deepEqual(seen, ['3/1', '3-3 {"minReplicas":4,"maxReplicas":10}']);
      assert.ok(progress.some((m) => m.includes("the canary's split is taken from the HPA's current 4 replicas")), progress.join('\n'));
      assert.deepEqual(await bounds(ns, 'web'), { min: 4, max: 10, ours: {} });
      await sleep(2 * SYNC_MS);
      assert.deepEqual([await replicas(ns, 'web'), await replicas(ns, 'web-canary'), await k.image(ns, 'web')], [4, 0, 'web:1.1']);
      const described = await describeAutoscalers(ctx);
      assert.deepEqual(described.map((d) => [d.deployment, d.name, d.minReplicas, d.maxReplicas, d.pinned]), [['web', 'web', 4, 10, undefined]]);
    });

    it('a failed gate aborts: stable back to 4, the HPA back to min 4 max 10 with no annotations of the tool', async () => {
      const ns = await cluster.namespace('hpa-canary-abort');
      await stable(ns, 4);
      await autoscale(ns, 'web', 4, 10);
      const gate: CanaryGate = { name: 'error-rate', judge: () => Promise.resolve({ pass: false, reason: 'error rate 9% above 1%', measurements: [] }) };
      const outcome = await deploy(await k.context('staging', canaryTarget(ns, { steps: [25, 100] }), { canaryGate: gate }), { image: 'web:1.1' });
      assert.equal(outcome.kind, 'rolled-back', JSON.stringify(outcome));
      assert.match(outcome.kind === 'rolled-back' ? outcome.message : '', /web-canary scaled to 0; HorizontalPodAutoscaler web back to min 4, max 10$/);
      assert.deepEqual(await bounds(ns, 'web'), { min: 4, max: 10, ours: {} });
      await sleep(2 * SYNC_MS);
      assert.deepEqual([await replicas(ns, 'web'), await replicas(ns, 'web-canary'), await k.image(ns, 'web')], [4, 0, 'web:1.0']);
    });

    it('stopped in the first step, the pin stays on the HPA; rollback from a new process restores it', async () => {
      const ns = await cluster.namespace('hpa-canary-crash');
      await stable(ns, 4);
      await autoscale(ns, 'web', 4, 10);
      const target = canaryTarget(ns, { steps: [25, 100], pause: '30s' });
      const cancel = new AbortController();
      const stopped = await deploy(await k.context('staging', target, { signal: cancel.signal, progress: (m) => /^Pausing/.test(m) && cancel.abort() }), { image: 'web:1.1' });
      assert.equal(stopped.kind, 'stopped', JSON.stringify(stopped));
      const pinned = await bounds(ns, 'web');
      assert.deepEqual([pinned.min, pinned.max, pinned.ours['hotfix-deployer.io/bounds-before']], [3, 3, '{"minReplicas":4,"maxReplicas":10}']);
      assert.equal(pinned.ours['hotfix-deployer.io/pinned-by'], stopped.state.id);
      await sleep(2 * SYNC_MS);
      assert.deepEqual([await replicas(ns, 'web'), await replicas(ns, 'web-canary')], [3, 1], 'no process runs, and the HPA still does not fight the split');
      const described = await describeAutoscalers(await k.context('staging', target));
      assert.deepEqual(described[0]?.pinned, { by: stopped.state.id, before: { minReplicas: 4, maxReplicas: 10 }, reason: 'for the canary of web:1.1: web runs 3 of its 4 replicas' });
      // What targets and the Deployments view say of it, from the target's live state.
      const live = await describeTarget(await k.context('staging', target));
      assert.deepEqual(live.autoscalers?.map((a) => a.deployment), ['web']);
      assert.match(autoscalerLine(live.autoscalers?.[0] ?? { deployment: '' }), new RegExp(`^HPA web scales web: min 3, max 3, current \\d+, desired \\d+; held for operation ${stopped.state.id} \\(its own bounds: min 4, max 10\\)$`));

      const back = await rollback(await k.context('staging', target));
      assert.equal(back.kind, 'rolled-back', JSON.stringify(back));
      assert.match(back.kind === 'rolled-back' ? back.message : '', /HorizontalPodAutoscaler web back to min 4, max 10$/);
      assert.deepEqual(await bounds(ns, 'web'), { min: 4, max: 10, ours: {} });
      assert.deepEqual([await replicas(ns, 'web'), await replicas(ns, 'web-canary')], [4, 0]);
      // Idempotent: nothing is pinned any more, so a second rollback (of the finished deploy) leaves the HPA alone.
      const described2 = await describeAutoscalers(await k.context('staging', target));
      assert.equal(described2[0]?.pinned, undefined);
    });
  });

  it('a Gateway API canary keeps stable whole: the HPA minimum is the total while traffic is away, its maximum stays', async () => {
    const ns = await cluster.namespace('hpa-canary-gateway');
    await stable(ns, 3, { app: 'web', track: 'stable' });
    await autoscale(ns, 'web', 2, 6);
    await r.create(ns, HTTPROUTE, 'web', { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web', port: 80, weight: 100 }, { name: 'web-canary', port: 80, weight: 0 }] }] });
    const seen: string[] = [];
    const gate: CanaryGate = {
      name: 'hpa-check',
      async judge() {
        const b = await bounds(ns, 'web');
        seen.push(`${await replicas(ns, 'web')}/${await replicas(ns, 'web-canary')} ${b.min}-${b.max}`);
        return { pass: true, reason: 'ok', measurements: [] };
      },
    };
    const outcome = await deploy(await k.context('staging', canaryTarget(ns, { steps: [50, 100], pause: '2s', traffic: 'gateway-api' }), { canaryGate: gate }), { image: 'web:1.1' });
    assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
    assert.deepEqual(seen, ['3/2 3-6', '3/3 3-6']);
    assert.deepEqual(await bounds(ns, 'web'), { min: 2, max: 6, ours: {} });
    assert.equal(await replicas(ns, 'web'), 3);
  });

  describe('blue-green', () => {
    /** web-blue live at 4 (its HPA min 2 max 10), web-green idle at 1 (its HPA min 1 max 10). */
    async function colours(ns: string): Promise<void> {
      await k.deployment(ns, 'web-blue', 'web:1.0', { app: 'web', colour: 'blue' }, 4);
      await k.deployment(ns, 'web-green', 'web:0.9', { app: 'web', colour: 'green' }, 1);
      await k.service(ns, 'web', { app: 'web', colour: 'blue' });
      await autoscale(ns, 'web-blue', 2, 10);
      await autoscale(ns, 'web-green', 1, 10);
    }
    /** A smoke check that records both HPAs before the switch, when the idle colour is scaled and pinned. */
    const recorder = (ns: string, seen: string[]): SmokeRunner => ({
      async run() {
        await sleep(2 * SYNC_MS);
        const green = await bounds(ns, 'web-green');
        seen.push(`green ${await replicas(ns, 'web-green')} ${green.min}-${green.max}`, `blue ${(await bounds(ns, 'web-blue')).min}`);
        return { ok: true, value: 'ok' };
      },
    });
    const target = (ns: string, keepOldFor = '10m'): TargetConfig => ({ namespace: ns, app: 'web', strategy: 'blue-green', blueGreen: { keepOldFor }, smoke: { command: ['true'] } });

    it('the idle colour is held at the live count until the switch, the old one until retire; both restored', async () => {
      const ns = await cluster.namespace('hpa-bluegreen');
      await colours(ns);
      const seen: string[] = [];
      const outcome = await deploy(await k.context('staging', target(ns), { smoke: recorder(ns, seen) }), { image: 'web:1.1' });
      assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
      assert.deepEqual(seen, ['green 4 4-10', 'blue 2']);
      // Switched: green is live and free again; blue is held at its 4 replicas for an instant rollback.
      assert.deepEqual(await bounds(ns, 'web-green'), { min: 1, max: 10, ours: {} });
      const blue = await bounds(ns, 'web-blue');
      assert.deepEqual([blue.min, blue.max, blue.ours['hotfix-deployer.io/bounds-before']], [4, 10, '{"minReplicas":2,"maxReplicas":10}']);
      await sleep(2 * SYNC_MS);
      assert.equal(await replicas(ns, 'web-blue'), 4);

      const retired = await retireOldColour(await k.context('staging', target(ns)), { now: true });
      assert.equal(retired.kind, 'retired', JSON.stringify(retired));
      assert.deepEqual(await bounds(ns, 'web-blue'), { min: 2, max: 10, ours: {} });
      await sleep(2 * SYNC_MS);
      assert.equal(await replicas(ns, 'web-blue'), 0, 'an HPA leaves a Deployment at 0 alone');
    });

    it('an immediate rollback onto a colour with fewer replicas is refused; without immediate it scales first, then switches and frees the HPA', async () => {
      const ns = await cluster.namespace('hpa-bluegreen-back');
      await colours(ns);
      const ctx = await k.context('staging', target(ns), { smoke: { run: () => Promise.resolve({ ok: true, value: 'ok' }) } });
      const deployed = await deploy(ctx, { image: 'web:1.1' });
      assert.equal(deployed.kind, 'deployed', JSON.stringify(deployed));
      // Under load, green's HPA took it to 6 (here: by hand, within its bounds).
      await k.apps.patchNamespacedDeployment({ name: 'web-green', namespace: ns, body: [{ op: 'replace', path: '/spec/replicas', value: 6 }] });
      await until('web-green at 6 available', async () => (await k.apps.readNamespacedDeployment({ name: 'web-green', namespace: ns })).status?.availableReplicas === 6);
      const refused = await rollback(ctx, { immediate: true });
      assert.equal(refused.kind, 'refused', JSON.stringify(refused));
      assert.match(refused.kind === 'refused' ? `${refused.reason} ${refused.hint ?? ''}` : '', /^web-blue runs 4 replicas and web-green 6: .* Roll back without immediate, to scale web-blue up to 6/);
      assert.equal((await k.core.readNamespacedService({ name: 'web', namespace: ns })).spec?.selector?.['colour'], 'green');

      const back = await rollback(ctx);
      assert.equal(back.kind, 'rolled-back', JSON.stringify(back));
      assert.match(back.kind === 'rolled-back' ? back.message : '', /switched Service web from green back to blue \(web:1\.0\) in one API call; HorizontalPodAutoscaler web-blue back to min 2, max 10$/);
      assert.deepEqual(await bounds(ns, 'web-blue'), { min: 2, max: 10, ours: {} });
      assert.equal(await replicas(ns, 'web-blue'), 6);
    });

    it('a broken image never takes traffic, and both HPAs are restored', async () => {
      const ns = await cluster.namespace('hpa-bluegreen-broken');
      await colours(ns);
      const outcome = await deploy(await k.context('staging', target(ns)), { image: 'web:1.1-broken' });
      assert.equal(outcome.kind, 'rolled-back', JSON.stringify(outcome));
      assert.match(outcome.kind === 'rolled-back' ? outcome.message : '', /HorizontalPodAutoscaler web-green back to min 1, max 10/);
      assert.deepEqual(await bounds(ns, 'web-green'), { min: 1, max: 10, ours: {} });
      assert.deepEqual(await bounds(ns, 'web-blue'), { min: 2, max: 10, ours: {} });
      assert.equal(await k.image(ns, 'web-green'), 'web:0.9');
    });
  });
});
