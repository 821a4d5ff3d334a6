import assert from 'node:assert/strict';
import { parseDuration, resolveTarget, imageFromTemplate } from '../../src/core/config/targets';
import type { DeploymentView, ReplicaSetView, ServiceView } from '../../src/core/deploy/ports';
import { colours, planUndo, rolloutStatus } from '../../src/core/deploy/rollout';

function deployment(over: Partial<Omit<DeploymentView, 'status'>> & { status?: Partial<DeploymentView['status']> } = {}): DeploymentView {
  const { status, ...rest } = over;
  return {
    name: 'checkout',
    namespace: 'payments',
    uid: 'u1',
    generation: 2,
    labels: {},
    annotations: { 'deployment.kubernetes.io/revision': '3' },
    replicas: 3,
    selector: { app: 'checkout' },
    template: {},
    templateLabels: { app: 'checkout' },
    containers: [{ name: 'app', image: 'checkout:1.4.1' }],
    ...rest,
    status: { observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: [], ...status },
  };
}

const rs = (revision: number, image: string, annotations: Record<string, string> = {}): ReplicaSetView => ({
  name: `checkout-${revision}`,
  revision,
  annotations: { 'deployment.kubernetes.io/revision': String(revision), ...annotations },
  template: { metadata: { labels: { app: 'checkout', 'pod-template-hash': `h${revision}` } }, spec: { containers: [{ name: 'app', image }] } },
  images: [image],
  replicas: 0,
});

describe('rollout status (as kubectl rollout status judges it)', () => {
  it('is complete when every replica is updated and available', () => {
    assert.equal(rolloutStatus(deployment()).state, 'complete');
  });

  it('ignores a stale ProgressDeadlineExceeded until the controller observed the new generation', () => {
    const stale = deployment({ generation: 3, status: { observedGeneration: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } });
    assert.equal(rolloutStatus(stale).state, 'progressing');
    const current = deployment({ status: { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "x" has timed out progressing.' }] } });
    const verdict = rolloutStatus(current);
    assert.equal(verdict.state, 'failed');
    assert.match(verdict.message, /timed out progressing/);
  });

  it('says what it is waiting for', () => {
    assert.match(rolloutStatus(deployment({ status: { updatedReplicas: 1 } })).message, /1 of 3 new replicas updated/);
    assert.match(rolloutStatus(deployment({ status: { replicas: 4 } })).message, /1 old replicas pending termination/);
    assert.match(rolloutStatus(deployment({ status: { availableReplicas: 2 } })).message, /2 of 3 updated replicas available/);
  });
});

describe('rollout undo plan (as kubectl rollout undo writes it)', () => {
  const sets = [rs(1, 'checkout:1.4.0', { 'hotfix-deployer.io/git-sha': 'aaa' }), rs(2, 'checkout:1.4.1-broken'), rs(3, 'checkout:1.4.1')];

  it('goes back to the highest revision below the current one, without the pod-template-hash', () => {
    const plan = planUndo(deployment(), sets);
    assert.ok(!('error' in plan));
    assert.equal(plan.toRevision, 2);
    assert.deepEqual(plan.images, ['checkout:1.4.1-broken']);
    assert.deepEqual((plan.template as { metadata: { labels: Record<string, string> } }).metadata.labels, { app: 'checkout' });
    assert.equal(plan.annotations['deployment.kubernetes.io/revision'], '3', 'the controller owns the revision annotation');
  });

  it('takes --to-revision, with the revision annotations of that ReplicaSet', () => {
    const plan = planUndo(deployment(), sets, 1);
    assert.ok(!('error' in plan));
    assert.equal(plan.annotations['hotfix-deployer.io/git-sha'], 'aaa');
    assert.deepEqual(planUndo(deployment(), sets, 7), { error: 'checkout has no revision 7 (revisions kept: 1, 2, 3).' });
    assert.deepEqual(planUndo(deployment({ annotations: { 'deployment.kubernetes.io/revision': '1' } }), [rs(1, 'x')]), { error: 'checkout has no revision before 1 to roll back to.' });
  });
});

describe('blue-green colours', () => {
  const service = (colour: string): ServiceView => ({ name: 'checkout', namespace: 'payments', selector: { app: 'checkout', colour }, annotations: {} });
  const blue = deployment({ name: 'checkout-blue', templateLabels: { app: 'checkout', colour: 'blue' } });
  const green = deployment({ name: 'checkout-green', templateLabels: { app: 'checkout', colour: 'green' } });

  it('finds the live colour from the selector and the selector that switches to the other', () => {
    const c = colours(service('green'), blue, green);
    assert.ok(!('error' in c));
    assert.equal(c.live, 'green');
    assert.equal(c.idle, 'blue');
    assert.deepEqual(c.selectors.blue, { app: 'checkout', colour: 'blue' });
  });

  it('explains a Service that selects neither, or pods that are not told apart', () => {
    assert.match(JSON.stringify(colours(service('red'), blue, green)), /selects neither checkout-blue nor checkout-green/);
    assert.match(JSON.stringify(colours(service('blue'), blue, { ...green, templateLabels: { app: 'checkout', colour: 'blue' } })), /alike/);
  });
});

describe('deploy targets', () => {
  it('fills defaults: rolling, service = app, production protected, canary steps', () => {
    const t = resolveTarget({ targets: { production: { namespace: 'payments', app: 'checkout' }, staging: { namespace: 's', app: 'c', strategy: 'blue-green', service: 'web' } } }, 'production');
    assert.ok(t.ok);
    assert.equal(t.value.strategy, 'rolling');
    assert.equal(t.value.service, 'checkout');
    assert.equal(t.value.protected, true);
    assert.deepEqual(t.value.canary.steps, [10, 25, 50, 75, 100]);
    const staging = resolveTarget({ targets: { staging: { namespace: 's', app: 'c', strategy: 'blue-green' } } }, 'staging');
    assert.equal(staging.ok && staging.value.protected, false);
  });

  it('refuses an unknown target naming the known ones, and canary steps that do not end at 100', () => {
    const unknown = resolveTarget({ targets: { staging: { namespace: 's', app: 'c' } } }, 'prod');
    assert.equal(unknown.ok, false);
    assert.match(unknown.ok ? '' : unknown.hint ?? '', /Known targets: staging/);
    const steps = resolveTarget({ targets: { x: { namespace: 's', app: 'c', canary: { steps: [10, 50, 40] } } } }, 'x');
    assert.match(steps.ok ? '' : steps.reason, /must increase and end at 100/);
  });

  it('reads durations and fills image templates', () => {
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('5 minutes'), undefined);
    assert.deepEqual(imageFromTemplate('reg/checkout:{version}', { version: '1.4.1' }), { ok: true, value: 'reg/checkout:1.4.1' });
    assert.equal(imageFromTemplate('reg/checkout:{sha}', { version: '1' }).ok, false);
  });
});
