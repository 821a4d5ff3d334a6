import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CanaryGate } from '../../src/core/deploy/canary-gate';
import { continueDeploy, deploy, promoteCanary } from '../../src/core/deploy/deploy';
import { describeTarget } from '../../src/core/deploy/describe';
import { abortCanary, rollback } from '../../src/core/deploy/rollback';
import type { DeployState } from '../../src/core/deploy/state';
import type { TargetConfig } from '../../src/core/config/types';
import { apps, type Apps } from './fixtures/apps';
import { kubeCluster, KUBE_START_TIMEOUT_MS, type KubeCluster } from './fixtures/cluster';
import { gatewayApiVersion, HTTPROUTE, routes, VIRTUALSERVICE, type Routes } from './fixtures/routes';

describe('canary deploys on a real control plane', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let k: Apps;
  let r: Routes;
  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    k = await apps(cluster);
    r = await routes(cluster);
  });
  after(() => k?.dispose());

  /** Stable `web` ({app: web, track: stable}) and the Service `web` with `selector`. */
  async function stable(ns: string, replicas: number, selector: Record<string, string>): Promise<void> {
    await k.deployment(ns, 'web', 'web:1.0', { app: 'web', track: 'stable' }, replicas);
    await k.service(ns, 'web', selector);
  }
  const spec = async (ns: string, name: string) => (await k.apps.readNamespacedDeployment({ name, namespace: ns })).spec;
  const state = (ns: string) => JSON.parse(readFileSync(path.join(k.stateDir, ns, 'deploys', 'staging.json'), 'utf8')) as DeployState;

  /**
   * Polls both Deployments while a deploy runs: the (stable, canary) replica counts it sees, and the
   * fewest replicas available in the two together. Stable is read before and after the canary and the
   * larger taken: on the way up the canary grows before stable shrinks, on the way back stable grows
   * before the canary shrinks, so this never reports a dip that did not happen.
   */
  function monitor(ns: string) {
    const splits = new Set<string>();
    let minAvailable = Number.POSITIVE_INFINITY;
    let running = true;
    const read = (name: string) => k.apps.readNamespacedDeployment({ name, namespace: ns }).catch(() => undefined);
    const loop = (async () => {
      while (running) {
        const s1 = await read('web');
        const c = await read('web-canary');
        const s2 = await read('web');
        splits.add(`${s2?.spec?.replicas ?? 0}/${c?.spec?.replicas ?? 0}`);
        const available = Math.max(s1?.status?.availableReplicas ?? 0, s2?.status?.availableReplicas ?? 0) + (c?.status?.availableReplicas ?? 0);
        minAvailable = Math.min(minAvailable, available);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();
    return async () => {
      running = false;
      await loop;
      return { splits, minAvailable };
    };
  }

  const canaryTarget = (ns: string, canary: TargetConfig['canary'] = {}): TargetConfig => ({ namespace: ns, app: 'web', strategy: 'canary', canary: { pause: '200ms', ...canary } });

  describe('traffic by replicas', () => {
    it('goes through every step to promotion, never with fewer available replicas than stable had', async () => {
      const ns = await cluster.namespace('canary-replicas');
      await stable(ns, 4, { app: 'web' });
      const ctx = await k.context('staging', canaryTarget(ns));
      const progress: string[] = [];
      const stop = monitor(ns);
      const outcome = await deploy({ ...ctx, progress: (m) => progress.push(m) }, { image: 'web:1.1', meta: { incident: 'INC-9' } });
      const seen = await stop();
      assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
      assert.match(outcome.kind === 'deployed' ? outcome.message : '', /web in hotfix-test\/.* runs web:1\.1: the canary was promoted after steps 10, 25, 50, 75, 100%; web-canary is scaled to 0/);

      // 10% and 25% of 4 are one canary replica; 50% two; 75% three; 100% all four, stable none.
      for (const split of ['3/1', '2/2', '1/3', '0/4']) assert.ok(seen.splits.has(split), `stable/canary ${split} seen in ${[...seen.splits].join(' ')}`);
      assert.ok(Number.isFinite(seen.minAvailable) && seen.minAvailable >= 4, `never fewer than 4 available, saw ${seen.minAvailable}`);
      assert.ok(progress.includes('Canary step 3 of 5 (50%): web-canary 2, web 2 replicas, 50% by replicas'), progress.join('\n'));
      assert.ok(progress.some((m) => /^Canary step 5 of 5 \(100%\) passed the readiness gate: web-canary 4 of 4 available, web 0 of 0 available$/.test(m)), progress.join('\n'));

      const web = await k.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
      assert.equal(web.spec?.template.spec?.containers[0]?.image, 'web:1.1');
      assert.equal(web.spec?.replicas, 4);
      assert.equal(web.status?.availableReplicas, 4);
      assert.equal(web.metadata?.annotations?.['hotfix-deployer.io/incident'], 'INC-9');
      const canary = await k.apps.readNamespacedDeployment({ name: 'web-canary', namespace: ns });
      assert.equal(canary.spec?.replicas, 0);
      assert.equal(canary.metadata?.labels?.['app.kubernetes.io/managed-by'], 'hotfix-deployer');
      assert.deepEqual(canary.spec?.selector.matchLabels, { app: 'web', track: 'canary' });
      assert.deepEqual(canary.spec?.template.metadata?.labels, { app: 'web', track: 'canary' });

      const saved = state(ns);
      assert.equal(saved.outcome, 'deployed');
      assert.deepEqual([saved.canary?.phase, saved.canary?.index, saved.canary?.verdict?.pass], ['promoted', 4, true]);
      const audit = readFileSync(path.join(k.stateDir, 'audit.jsonl'), 'utf8').split('\n').filter((l) => l.includes(saved.id) && l.includes('"deploy.canary.step"'));
      assert.equal(audit.length, 5);
      const live = await describeTarget(ctx);
      assert.deepEqual(live.canary, { traffic: 'replicas', steps: [10, 25, 50, 75, 100], weight: 0 });
    });

    it('a broken canary image fails the readiness gate at the first step and aborts by itself', async () => {
      const ns = await cluster.namespace('canary-broken');
      await stable(ns, 3, { app: 'web' });
      const ctx = await k.context('staging', canaryTarget(ns));
      const stop = monitor(ns);
      const outcome = await deploy(ctx, { image: 'web:1.1-broken' });
      const seen = await stop();
      assert.equal(outcome.kind, 'rolled-back', JSON.stringify(outcome));
      if (outcome.kind !== 'rolled-back') return;
      assert.match(outcome.reason, /^Canary step 1 of 5 \(10%\) failed the readiness gate: not ready: web-canary 0 of 1 available, web 3 of 3 available; web-canary did not finish rolling out within 6s/);
      assert.match(outcome.message, /traffic is back on web only: web-canary scaled to 0/);
      assert.deepEqual([...seen.splits].filter((s) => !s.startsWith('3/')), [], 'stable is never scaled down');
      assert.equal(await k.image(ns, 'web'), 'web:1.0');
      const web = await k.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
      assert.deepEqual([web.spec?.replicas, web.status?.availableReplicas], [3, 3]);
      assert.equal((await spec(ns, 'web-canary'))?.replicas, 0);
      assert.equal(state(ns).outcome, 'rolled-back');
    });

    it('refuses a stable whose selector would also pick the canary, before writing anything', async () => {
      const ns = await cluster.namespace('canary-overlap');
      await k.deployment(ns, 'web', 'web:1.0', { app: 'web' }, 2);
      await k.service(ns, 'web', { app: 'web' });
      const outcome = await deploy(await k.context('staging', canaryTarget(ns)), { image: 'web:1.1' });
      assert.equal(outcome.kind, 'refused', JSON.stringify(outcome));
      assert.match(outcome.kind === 'refused' ? `${outcome.reason} ${outcome.hint}` : '', /selector \{"app":"web"\} would also select the canary's pods.*track: stable/);
      assert.equal(await k.apps.readNamespacedDeployment({ name: 'web-canary', namespace: ns }).catch(() => 'absent'), 'absent');
    });
  });

  describe('traffic by Gateway API HTTPRoute weights', () => {
    const weights = (s: Record<string, unknown>) => ((s['rules'] as { backendRefs: { weight: number }[] }[])[0]?.backendRefs ?? []).map((b) => b.weight);

    it('sets the weights at each step, a failed gate puts them back; a second canary reuses the first one and promotes', async () => {
      const ns = await cluster.namespace('canary-gateway');
      await stable(ns, 2, { app: 'web', track: 'stable' });
      await r.create(ns, HTTPROUTE, 'web', { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web', port: 80, weight: 100 }, { name: 'web-canary', port: 80, weight: 0 }] }] });
      const judged: number[][] = [];
      const gate = (failAt?: number): CanaryGate => ({
        name: 'error-rate',
        async judge(step) {
          judged.push(weights(await r.spec(ns, HTTPROUTE, 'web')));
          return step.index === failAt
            ? { pass: false, reason: 'error rate 7.5% above 1%', measurements: [{ name: 'error rate', value: 7.5, threshold: 1 }] }
            : { pass: true, reason: 'error rate 0.1%', measurements: [{ name: 'error rate', value: 0.1, threshold: 1 }] };
        },
      });
      const target = canaryTarget(ns, { steps: [25, 50, 100], pause: '100ms', traffic: 'gateway-api' });

      const failedRun = await deploy(await k.context('staging', target, { canaryGate: gate(1) }), { image: 'web:1.1' });
      assert.equal(failedRun.kind, 'rolled-back', JSON.stringify(failedRun));
      assert.match(failedRun.kind === 'rolled-back' ? failedRun.reason : '', /^Canary step 2 of 3 \(50%\) failed the error-rate gate: error rate 7\.5% above 1%$/);
      assert.match(failedRun.kind === 'rolled-back' ? failedRun.message : '', /HTTPRoute web sends the canary 0%; web-canary scaled to 0/);
      assert.deepEqual(judged, [[75, 25], [50, 50]]);
      assert.deepEqual(weights(await r.spec(ns, HTTPROUTE, 'web')), [100, 0]);
      assert.deepEqual(state(ns).canary?.verdict?.measurements.map((m) => m.name), ['web-canary available', 'web available', 'error rate']);
      const canaryService = await k.core.readNamespacedService({ name: 'web-canary', namespace: ns });
      assert.deepEqual(canaryService.spec?.selector, { app: 'web', track: 'canary' });
      assert.equal(canaryService.metadata?.labels?.['app.kubernetes.io/managed-by'], 'hotfix-deployer');
      assert.equal((await spec(ns, 'web-canary'))?.replicas, 0);
      assert.equal(await k.image(ns, 'web'), 'web:1.0');
      assert.equal((await spec(ns, 'web'))?.replicas, 2, 'with a mesh, stable keeps every replica');

      judged.length = 0;
      const promoted = await deploy(await k.context('staging', target, { canaryGate: gate() }), { image: 'web:1.2' });
      assert.equal(promoted.kind, 'deployed', JSON.stringify(promoted));
      assert.deepEqual(judged, [[75, 25], [50, 50], [0, 100]]);
      assert.deepEqual(weights(await r.spec(ns, HTTPROUTE, 'web')), [100, 0]);
      assert.equal(await k.image(ns, 'web'), 'web:1.2');
      assert.equal(await k.image(ns, 'web-canary'), 'web:1.2');
      assert.equal((await spec(ns, 'web-canary'))?.replicas, 0);

      // Nothing unfinished: rollback undoes the promoted stable as rolling does.
      const back = await rollback(await k.context('staging', target), { immediate: true });
      assert.equal(back.kind, 'rolled-back', JSON.stringify(back));
      assert.match(back.kind === 'rolled-back' ? back.message : '', /^rolled web back from revision 2 to the template of revision 1 \(web:1\.0\)/);
      assert.equal(await k.image(ns, 'web'), 'web:1.0');
      assert.deepEqual(weights(await r.spec(ns, HTTPROUTE, 'web')), [100, 0]);
    });
    it('against the real Gateway API CRDs of the pinned release: only the canary rule\'s weights change; matches, filters, other rules and the server\'s defaults stay', async () => {
      const pinned = /^require sigs\.k8s\.io\/gateway-api (v\S+)$/m.exec(readFileSync(path.join(__dirname, '../../../test/kube/gateway-api/go.mod'), 'utf8'))?.[1];
      assert.equal(gatewayApiVersion, pinned, 'the installed CRDs are the standard channel of the release go.mod pins');
      const ns = await cluster.namespace('canary-gateway-real');
      await stable(ns, 2, { app: 'web', track: 'stable' });
      const canaryRule = {
        matches: [{ path: { type: 'PathPrefix', value: '/checkout' }, headers: [{ name: 'x-tenant', value: 'eu' }] }],
        filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-route', value: 'web' }] } }],
        backendRefs: [{ name: 'web', port: 80, weight: 100 }, { name: 'web-canary', port: 80, weight: 0 }],
      };
      const otherRule = { matches: [{ path: { type: 'PathPrefix', value: '/static' } }], backendRefs: [{ name: 'assets', port: 8080 }] };
      await r.create(ns, HTTPROUTE, 'web', { parentRefs: [{ name: 'gw', sectionName: 'https' }], hostnames: ['shop.example.com'], rules: [otherRule, canaryRule] });
      // The API server's schema defaults (group, kind, the match type of headers) are in the stored route.
      const before = await r.spec(ns, HTTPROUTE, 'web');
      const rules = () => r.spec(ns, HTTPROUTE, 'web').then((s) => s['rules'] as Record<string, unknown>[]);
      assert.equal(((before['rules'] as { backendRefs: { kind?: string }[] }[])[1]?.backendRefs[0])?.kind, 'Service', 'the real CRD defaults backendRefs[].kind');
      const seen: unknown[] = [];
      const gate: CanaryGate = {
        name: 'error-rate',
        async judge() {
          const now = await rules();
          seen.push(now[1]?.['backendRefs']);
          assert.deepEqual(now[0], (before['rules'] as unknown[])[0], 'the other rule is untouched');
          assert.deepEqual(now[1]?.['matches'], (before['rules'] as Record<string, unknown>[])[1]?.['matches']);
          assert.deepEqual(now[1]?.['filters'], (before['rules'] as Record<string, unknown>[])[1]?.['filters']);
          return { pass: true, reason: 'error rate 0.1%', measurements: [{ name: 'error rate', value: 0.1, threshold: 1 }] };
        },
      };
      const target = canaryTarget(ns, { steps: [10, 50, 100], pause: '100ms', traffic: 'gateway-api' });
      const outcome = await deploy(await k.context('staging', target, { canaryGate: gate }), { image: 'web:1.1' });
      assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
      assert.deepEqual(seen.map((refs) => (refs as { weight: number }[]).map((b) => b.weight)), [[90, 10], [50, 50], [0, 100]]);
      const after = await r.spec(ns, HTTPROUTE, 'web');
      assert.deepEqual(after['parentRefs'], before['parentRefs']);
      assert.deepEqual(after['hostnames'], ['shop.example.com']);
      assert.deepEqual(after['rules'], before['rules'], 'promoted: the route is back as it was, weights 100/0');
    });
  });

  describe('traffic by Istio VirtualService weights (subsets)', () => {
    const weights = (s: Record<string, unknown>) => ((s['http'] as { route: { weight: number }[] }[])[0]?.route ?? []).map((d) => d.weight);

    it('stops resumable in a pause with the weights set; rollback aborts it; promoteCanary promotes the next one early', async () => {
      const ns = await cluster.namespace('canary-istio');
      await stable(ns, 2, { app: 'web' });
      await r.create(ns, VIRTUALSERVICE, 'web', {
        hosts: ['web'],
        http: [{ route: [{ destination: { host: 'web', subset: 'stable' }, weight: 100 }, { destination: { host: 'web', subset: 'canary' }, weight: 0 }] }],
      });
      const target = canaryTarget(ns, { steps: [30, 100], pause: '30s', traffic: 'istio' });
      const stopInPause = async (image: string) => {
        const cancel = new AbortController();
        const ctx = await k.context('staging', target, { signal: cancel.signal, progress: (m) => /^Pausing/.test(m) && cancel.abort() });
        return deploy(ctx, { image });
      };

      const stopped = await stopInPause('web:1.1');
      assert.equal(stopped.kind, 'stopped', JSON.stringify(stopped));
      assert.deepEqual(weights(await r.spec(ns, VIRTUALSERVICE, 'web')), [70, 30]);
      assert.equal((await spec(ns, 'web-canary'))?.replicas, 1);
      const ctx = await k.context('staging', target);
      const live = await describeTarget(ctx);
      assert.deepEqual(live.canary, { traffic: 'istio', steps: [30, 100], step: 1, phase: 'paused', weight: 30 });

      const back = await rollback(ctx);
      assert.equal(back.kind, 'rolled-back', JSON.stringify(back));
      assert.match(back.kind === 'rolled-back' ? back.message : '', /^aborted the canary of web:1\.1 at step 1 of 2 \(30%\); traffic is back on web only: VirtualService web sends the canary 0%; web-canary scaled to 0$/);
      assert.deepEqual(weights(await r.spec(ns, VIRTUALSERVICE, 'web')), [100, 0]);
      assert.equal((await spec(ns, 'web-canary'))?.replicas, 0);
      assert.equal(await k.image(ns, 'web'), 'web:1.0');
      const none = await abortCanary(ctx);
      assert.match(none.kind === 'refused' ? none.reason : '', /No canary deploy of staging is unfinished/);

      assert.equal((await stopInPause('web:1.2')).kind, 'stopped');
      const progress: string[] = [];
      const promoted = await promoteCanary({ ...ctx, progress: (m) => progress.push(m) });
      assert.equal(promoted.kind, 'deployed', JSON.stringify(promoted));
      assert.match(promoted.kind === 'deployed' ? promoted.message : '', /runs web:1\.2: the canary was promoted early, at step 1 of 2 \(30%\)/);
      assert.ok(progress.includes('Promoting now: skipping the remaining canary steps'), progress.join('\n'));
      assert.deepEqual(weights(await r.spec(ns, VIRTUALSERVICE, 'web')), [100, 0]);
      assert.equal(await k.image(ns, 'web'), 'web:1.2');
      assert.equal((await spec(ns, 'web-canary'))?.replicas, 0);
      const again = await continueDeploy(ctx);
      assert.equal(again.kind, 'refused', 'nothing is left unfinished');
    });
  });
});
