import assert from 'node:assert/strict';
import { resolveTarget } from '../../src/core/config/targets';
import { readinessGate } from '../../src/core/deploy/canary-gate';
import { baselineDeployment, canaryDeployment, canaryService, canaryTemplate, labelProblem, plannedReplicas, replicaShare, selects } from '../../src/core/deploy/canary-plan';
import { routeWeights, type Backends } from '../../src/core/deploy/canary-routes';
import type { DeploymentView, ServiceView } from '../../src/core/deploy/ports';
import { planFor } from '../../src/core/deploy/state';

function deployment(over: Partial<Omit<DeploymentView, 'status'>> & { status?: Partial<DeploymentView['status']> } = {}): DeploymentView {
  const { status, ...rest } = over;
  return {
    name: 'web',
    namespace: 'shop',
    uid: 'u1',
    generation: 1,
    labels: { app: 'web' },
    annotations: {},
    replicas: 4,
    selector: { app: 'web', track: 'stable' },
    template: { metadata: { labels: { app: 'web', track: 'stable' } }, spec: { containers: [{ name: 'app', image: 'web:1.0' }, { name: 'proxy', image: 'envoy:1' }] } },
    templateLabels: { app: 'web', track: 'stable' },
    containers: [{ name: 'app', image: 'web:1.0' }, { name: 'proxy', image: 'envoy:1' }],
    progressDeadlineSeconds: 60,
    ...rest,
    status: { observedGeneration: 1, replicas: 4, updatedReplicas: 4, readyReplicas: 4, availableReplicas: 4, conditions: [], ...status },
  };
}

const service = (selector: Record<string, string>): ServiceView => ({ name: 'web', namespace: 'shop', selector, annotations: {}, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] });

describe('canary: replicas and weights', () => {
  it('replicas mode: the canary takes ceil(total * weight / 100), stable the rest', () => {
    const at = (total: number, weight: number) => plannedReplicas('replicas', total, weight);
    assert.deepEqual([10, 25, 50, 75, 100].map((w) => at(4, w)), [
      { canary: 1, stable: 3 },
      { canary: 1, stable: 3 },
      { canary: 2, stable: 2 },
      { canary: 3, stable: 1 },
      { canary: 4, stable: 0 },
    ]);
    assert.deepEqual(at(10, 10), { canary: 1, stable: 9 }, 'an exact multiple is not rounded up');
    assert.deepEqual(at(10, 11), { canary: 2, stable: 8 });
    assert.deepEqual(at(3, 0), { canary: 0, stable: 3 });
    assert.deepEqual(at(1, 1), { canary: 1, stable: 0 }, 'one replica cannot be split: the canary takes it');
    assert.deepEqual(at(7, 150), { canary: 7, stable: 0 }, 'weights are clamped');
  });

  it('mesh modes size the canary for its share and keep stable whole', () => {
    assert.deepEqual(plannedReplicas('gateway-api', 4, 25), { canary: 1, stable: 4 });
    assert.deepEqual(plannedReplicas('istio', 5, 50), { canary: 3, stable: 5 });
    assert.deepEqual(plannedReplicas('istio', 5, 0), { canary: 0, stable: 5 });
  });

  it('the share a split gives', () => {
    assert.equal(replicaShare({ canary: 1, stable: 3 }), 25);
    assert.equal(replicaShare({ canary: 1, stable: 2 }), 33);
    assert.equal(replicaShare({ canary: 0, stable: 0 }), 0);
  });
});

describe('canary: the Deployment, the Service and their labels', () => {
  it("copies stable's template with track: canary and the new image in one container only", () => {
    const t = canaryTemplate(deployment().template, 'app', 'web:1.1') as { metadata: { labels: Record<string, string> }; spec: { containers: { name: string; image: string }[] } };
    assert.deepEqual(t.metadata.labels, { app: 'web', track: 'canary' });
    assert.deepEqual(t.spec.containers.map((c) => c.image), ['web:1.1', 'envoy:1']);
    const stable = deployment().template as { metadata: { labels: Record<string, string> } };
    assert.equal(stable.metadata.labels['track'], 'stable', 'the original is not changed');
  });

  it('the canary Deployment: ours, at 0 replicas, selecting only the canary track', () => {
    const m = canaryDeployment(deployment(), 'app', 'web:1.1', { 'hotfix-deployer.io/operation': 'op1' }) as {
      metadata: { name: string; labels: Record<string, string> };
      spec: { replicas: number; selector: { matchLabels: Record<string, string> }; progressDeadlineSeconds: number };
    };
    assert.equal(m.metadata.name, 'web-canary');
    assert.equal(m.metadata.labels['app.kubernetes.io/managed-by'], 'hotfix-deployer');
    assert.equal(m.metadata.labels['hotfix-deployer.io/canary-of'], 'web');
    assert.equal(m.spec.replicas, 0);
    assert.deepEqual(m.spec.selector.matchLabels, { app: 'web', track: 'canary' });
    assert.equal(m.spec.progressDeadlineSeconds, 60);
    assert.ok(!selects(m.spec.selector.matchLabels, deployment().templateLabels), "the canary's selector does not pick stable's pods");
  });

  it('the canary Service: the same ports, selecting the canary track', () => {
    const m = canaryService(service({ app: 'web', track: 'stable' }), {}) as { metadata: { name: string }; spec: { selector: Record<string, string>; ports: unknown[] } };
    assert.equal(m.metadata.name, 'web-canary');
    assert.deepEqual(m.spec.selector, { app: 'web', track: 'canary' });
    assert.deepEqual(m.spec.ports, [{ port: 80, name: 'http', targetPort: 8080, protocol: 'TCP' }]);
  });

  it("refuses a stable whose selector would also pick the canary's pods", () => {
    const overlapping = deployment({ selector: { app: 'web' } });
    assert.match(labelProblem(overlapping, service({ app: 'web' }), 'replicas')?.reason ?? '', /selector \{"app":"web"\} would also select the canary's pods/);
    assert.match(labelProblem(overlapping, service({ app: 'web' }), 'replicas')?.hint ?? '', /track: stable/);
  });

  it('checks the Service selects what each routing needs', () => {
    const d = deployment();
    assert.equal(labelProblem(d, service({ app: 'web' }), 'replicas'), undefined);
    assert.match(labelProblem(d, service({ app: 'web', track: 'stable' }), 'replicas')?.reason ?? '', /would not select the canary's pods/);
    assert.equal(labelProblem(d, service({ app: 'web', track: 'stable' }), 'hosts'), undefined);
    assert.match(labelProblem(d, service({ app: 'web' }), 'hosts')?.reason ?? '', /also selects the canary's pods/);
    assert.equal(labelProblem(d, service({ app: 'web' }), 'subsets'), undefined);
    assert.match(labelProblem(d, service({ app: 'other' }), 'replicas')?.reason ?? '', /does not select web's pods/);
    const wrongCanary = { ...service({ app: 'web' }), name: 'web-canary' };
    assert.match(labelProblem(d, service({ app: 'web', track: 'stable' }), 'hosts', wrongCanary)?.reason ?? '', /Service web-canary .* must select the canary's pods/);
  });
});

describe('canary: route weights', () => {
  const b: Backends = { stable: 'web', canary: 'web-canary', namespace: 'shop' };

  it('HTTPRoute: sets the two backends of each rule naming both, leaves other rules alone', () => {
    const spec = {
      parentRefs: [{ name: 'gw' }],
      rules: [
        { matches: [{ path: { value: '/' } }], backendRefs: [{ name: 'web', port: 80, weight: 100 }, { name: 'web-canary', port: 80, weight: 0 }] },
        { backendRefs: [{ name: 'admin', port: 80 }] },
      ],
    };
    const read = routeWeights('HTTPRoute', 'web', spec, b);
    assert.ok(read.ok);
    assert.equal(read.value.current, 0);
    assert.equal(read.value.routing, 'hosts');
    const set = routeWeights('HTTPRoute', 'web', spec, b, 25);
    assert.ok(set.ok);
    assert.equal(set.value.matched, 1);
    assert.deepEqual(set.value.spec['rules'], [
      { matches: [{ path: { value: '/' } }], backendRefs: [{ name: 'web', port: 80, weight: 75 }, { name: 'web-canary', port: 80, weight: 25 }] },
      { backendRefs: [{ name: 'admin', port: 80 }] },
    ]);
    assert.deepEqual(set.value.spec['parentRefs'], [{ name: 'gw' }]);
    assert.deepEqual(spec.rules[0]?.backendRefs[1], { name: 'web-canary', port: 80, weight: 0 }, 'the input is not changed');
    const after = routeWeights('HTTPRoute', 'web', set.value.spec, b);
    assert.equal(after.ok && after.value.current, 25);
  });

  it('HTTPRoute: unset weights count 1 each; another namespace or kind is not ours; a missing canary backend is named', () => {
    const even = routeWeights('HTTPRoute', 'web', { rules: [{ backendRefs: [{ name: 'web' }, { name: 'web-canary' }] }] }, b);
    assert.equal(even.ok && even.value.current, 50);
    const elsewhere = routeWeights('HTTPRoute', 'web', { rules: [{ backendRefs: [{ name: 'web' }, { name: 'web-canary', namespace: 'other' }] }] }, b);
    assert.match(elsewhere.ok ? '' : elsewhere.reason, /HTTPRoute web has no rule with the backends web and web-canary/);
    const extra = routeWeights('HTTPRoute', 'web', { rules: [{ backendRefs: [{ name: 'web' }, { name: 'web-canary' }, { name: 'web-old' }] }] }, b, 10);
    assert.match(extra.ok ? '' : extra.reason, /rule 1 has 3 backends/);
  });

  it('VirtualService with subsets', () => {
    const spec = {
      hosts: ['web'],
      http: [{ route: [{ destination: { host: 'web', subset: 'stable' }, weight: 100 }, { destination: { host: 'web', subset: 'canary' } }] }],
    };
    const set = routeWeights('VirtualService', 'web', spec, b, 30);
    assert.ok(set.ok);
    assert.equal(set.value.routing, 'subsets');
    assert.equal(set.value.current, 0);
    assert.deepEqual(set.value.spec['http'], [{ route: [{ destination: { host: 'web', subset: 'stable' }, weight: 70 }, { destination: { host: 'web', subset: 'canary' }, weight: 30 }] }]);
  });

  it('VirtualService with hosts, short or fully qualified', () => {
    const spec = { http: [{ route: [{ destination: { host: 'web.shop.svc.cluster.local' }, weight: 90 }, { destination: { host: 'web-canary.shop' }, weight: 10 }] }] };
    const read = routeWeights('VirtualService', 'web', spec, b);
    assert.ok(read.ok);
    assert.equal(read.value.routing, 'hosts');
    assert.equal(read.value.current, 10);
    const none = routeWeights('VirtualService', 'web', { http: [{ route: [{ destination: { host: 'web.other.svc.cluster.local' } }] }] }, b);
    assert.match(none.ok ? '' : none.reason, /no http route with a stable and a canary destination/);
  });
});

describe('canary: plan, gate and config', () => {
  it('plans lock, preflight, update, canary steps, smoke, promote, release', () => {
    assert.deepEqual(planFor('canary', false), ['lock', 'preflight', 'update', 'canary', 'promote', 'release']);
    assert.deepEqual(planFor('canary', true), ['lock', 'preflight', 'update', 'canary', 'smoke', 'promote', 'release']);
  });

  it('the readiness gate passes with every asked replica available, and fails with the numbers', async () => {
    const step = { index: 0, of: 5, weight: 10, stable: deployment({ replicas: 3, status: { availableReplicas: 3 } }), since: new Date() };
    const ok = await readinessGate.judge({ ...step, canary: deployment({ name: 'web-canary', replicas: 1, status: { availableReplicas: 1 } }) });
    assert.equal(ok.pass, true);
    assert.equal(ok.reason, 'web-canary 1 of 1 available, web 3 of 3 available');
    const bad = await readinessGate.judge({ ...step, canary: deployment({ name: 'web-canary', replicas: 1, status: { availableReplicas: 0 } }) });
    assert.equal(bad.pass, false);
    assert.equal(bad.reason, 'not ready: web-canary 0 of 1 available, web 3 of 3 available');
    assert.deepEqual(bad.measurements[0], { name: 'web-canary available', value: 0, threshold: 1, comparison: '>=', outcome: 'fail' });
    const stale = await readinessGate.judge({ ...step, canary: deployment({ name: 'web-canary', generation: 2, replicas: 1, status: { observedGeneration: 1, availableReplicas: 1 } }) });
    assert.equal(stale.pass, false, 'not before the controller has seen the new spec');
  });

  it('canary config: ms pauses, traffic and route defaults', () => {
    const t = resolveTarget({ targets: { s: { namespace: 'shop', app: 'web', strategy: 'canary', service: 'web-svc', canary: { pause: '200ms', traffic: 'istio' } } } }, 's');
    assert.ok(t.ok);
    assert.deepEqual(t.value.canary, { steps: [10, 25, 50, 75, 100], pauseMs: 200, traffic: 'istio', route: 'web-svc', baseline: 'stable' });
  });

  it('a baseline Deployment needs traffic by replicas, and says why when routing is by a mesh', () => {
    const target = (canary: object) => resolveTarget({ targets: { s: { namespace: 'shop', app: 'web', strategy: 'canary', canary } } }, 's');
    const ok = target({ baseline: 'deployment' });
    assert.ok(ok.ok);
    assert.equal(ok.value.canary.baseline, 'deployment');
    const refused = target({ baseline: 'deployment', traffic: 'gateway-api' });
    assert.ok(!refused.ok);
    assert.match(refused.reason, /^targets\.s\.canary\.baseline: deployment needs traffic: replicas: with gateway-api routing the baseline's pods would need a route of their own\.$/);
  });

  it('the baseline Deployment: stable\'s spec and image, its pods and selector on the baseline track, ours, at 0', () => {
    const stable = {
      name: 'web', labels: { app: 'web' }, annotations: {}, selector: { app: 'web', track: 'stable' }, templateLabels: { app: 'web', track: 'stable' }, replicas: 4, generation: 1,
      containers: [{ name: 'web', image: 'web:1.0' }],
      template: { metadata: { labels: { app: 'web', track: 'stable', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'web', image: 'web:1.0' }] } },
      status: { replicas: 4, readyReplicas: 4, availableReplicas: 4, updatedReplicas: 4, observedGeneration: 1 },
    } as unknown as DeploymentView;
    const d = baselineDeployment(stable, { 'hotfix-deployer.io/operation': 'op1' }) as { metadata: { name: string; labels: Record<string, string> }; spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: { containers: { image: string }[] } } } };
    assert.equal(d.metadata.name, 'web-baseline');
    assert.equal(d.metadata.labels['hotfix-deployer.io/baseline-of'], 'web');
    assert.equal(d.spec.replicas, 0);
    assert.deepEqual(d.spec.selector.matchLabels, { app: 'web', track: 'baseline' });
    assert.deepEqual(d.spec.template.metadata.labels, { app: 'web', track: 'baseline' });
    assert.equal(d.spec.template.spec.containers[0]?.image, 'web:1.0', 'stable\'s image, not the new one');
  });
});
