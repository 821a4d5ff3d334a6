// The Argo Rollouts logic that needs no cluster: reading a Rollout and its AnalysisRuns as the
// controller writes them, the phase/step/weight the plugin reports, the line that says why analysis
// failed, promote's branches, undo's choice of revision and what a rollback will still run, and which
// targets a Rollout takes over. The verbs against the real controller: test/integration/argo-rollouts.test.ts.

import assert from 'node:assert/strict';
import { resolveGitSettings } from '../../src/core/config/defaults';
import { renderInitConfig, suggestTargets, type ClusterFacts } from '../../src/core/config/init';
import { parseConfig } from '../../src/core/config/parse';
import { resolveTarget, type Target } from '../../src/core/config/targets';
import type { Cluster } from '../../src/core/deploy/ports';
import { explainRun } from '../../src/core/rollouts/analysis';
import { resolveRolloutTarget } from '../../src/core/rollouts/detect';
import { rolloutInfo, stepLine, type RolloutRead } from '../../src/core/rollouts/info';
import { analysisRunView, replicaSetView, rolloutView } from '../../src/core/rollouts/model';
import { promoteWrites, restartWrites, sameTemplate, undoPatch, undoTarget, withImage } from '../../src/core/rollouts/patches';
import { rolloutPhase, setWeight } from '../../src/core/rollouts/phase';
import type { KubeObject } from '../../src/core/rollouts/ports';
import { planUndo, rollbackRevision } from '../../src/core/rollouts/undo';

const template = (image: string, hash?: string) => ({ metadata: { labels: { app: 'web', ...(hash ? { 'rollouts-pod-template-hash': hash } : {}) } }, spec: { containers: [{ name: 'app', image }] } });

function rollout(over: { spec?: Record<string, unknown>; status?: Record<string, unknown>; generation?: number } = {}): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'shop', uid: 'u-1', generation: over.generation ?? 2 },
    spec: {
      replicas: 4,
      template: template('web:1.1'),
      strategy: { canary: { steps: [{ setWeight: 25 }, { pause: {} }, { analysis: { templates: [{ templateName: 'error-rate' }] } }, { setWeight: 50 }, { pause: { duration: '30s' } }] } },
      ...over.spec,
    },
    status: { phase: 'Paused', message: 'CanaryPauseStep', observedGeneration: '2', currentStepIndex: 1, stableRS: 'aaa', currentPodHash: 'bbb', replicas: 5, updatedReplicas: 1, readyReplicas: 5, availableReplicas: 5, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-12-06T07:00:00Z' }], ...over.status },
  };
}

const rs = (name: string, hash: string, revision: number, image: string, replicas: number, created: string): KubeObject => ({
  metadata: { name, labels: { 'rollouts-pod-template-hash': hash }, annotations: { 'rollout.argoproj.io/revision': String(revision) }, creationTimestamp: created, ownerReferences: [{ uid: 'u-1' }] },
  spec: { replicas, template: template(image, hash) },
  status: { readyReplicas: replicas, availableReplicas: replicas },
});

/** An AnalysisRun as the v1.10.1 controller leaves a failed web metric (values as it stores them: strings). */
const failedRun: KubeObject = {
  metadata: { name: 'web-bbb-3-2', labels: { 'rollout-type': 'Step', 'step-index': '2', 'rollouts-pod-template-hash': 'bbb' }, annotations: { 'rollout.argoproj.io/revision': '3' }, creationTimestamp: '2026-12-06T07:01:00Z' },
  spec: { metrics: [{ name: 'error-rate', count: 2, interval: '5s', failureLimit: 0, failureCondition: 'result > 0.05', provider: { web: { url: 'http://127.0.0.1:9/error-rate', jsonPath: '{$.errorRate}' } } }] },
  status: {
    phase: 'Failed',
    message: 'Metric "error-rate" assessed Failed due to failed (1) > failureLimit (0)',
    metricResults: [{ name: 'error-rate', phase: 'Failed', count: 1, failed: 1, measurements: [{ phase: 'Failed', value: '0.12', startedAt: '2026-12-06T07:01:00Z', finishedAt: '2026-12-06T07:01:00Z' }] }],
  },
};

function read(raw: KubeObject, sets: KubeObject[] = [], runs: KubeObject[] = []): RolloutRead {
  const view = rolloutView(raw);
  const replicaSets = sets.map(replicaSetView);
  const analysis = runs.map(analysisRunView);
  return { raw, view, replicaSets, runs: analysis, info: rolloutInfo(view, replicaSets, analysis) };
}

describe('Argo Rollouts: reading a Rollout as the plugin reports it', () => {
  it('phase, step and weight: the controller\'s phase once observed; the last setWeight at or before the step', () => {
    const r = read(rollout(), [rs('web-aaa', 'aaa', 1, 'web:1.0', 4, '2026-12-06T06:00:00Z'), rs('web-bbb', 'bbb', 2, 'web:1.1', 1, '2026-12-06T07:00:00Z')]);
    assert.deepEqual(rolloutPhase(r.view), { phase: 'Paused', message: 'CanaryPauseStep' });
    assert.equal(setWeight(r.view), 25);
    assert.equal(r.info.awaitingPromotion, true, 'a pause step without a duration waits for a person');
    assert.equal(r.info.actualWeight, 20, 'no traffic routing: the canary\'s share of available pods (1 of 5)');
    assert.equal(stepLine(r.info), 'step 1/5 (pause (until promoted)), weight 20% (set 25%)');
    assert.equal(r.info.stable?.name, 'web-aaa');
    assert.equal(r.info.canary?.images[0], 'web:1.1');
    assert.deepEqual(rolloutPhase(rolloutView(rollout({ generation: 3 }))), { phase: 'Progressing', message: 'waiting for rollout spec update to be observed' });
    assert.deepEqual(rolloutPhase(rolloutView(rollout({ status: { controllerPause: true, pauseConditions: [] } }))), { phase: 'Progressing', message: 'waiting for rollout to unpause' });
    assert.equal(setWeight(rolloutView(rollout({ status: { abort: true } }))), 0, 'aborted: no weight');
    const timed = rolloutView(rollout({ status: { currentStepIndex: 4 } }));
    assert.equal(read(rollout({ status: { currentStepIndex: 4 } })).info.awaitingPromotion, false, 'a timed pause goes on by itself');
    assert.equal(setWeight(timed), 50);
  });

  it('a failed AnalysisRun in one line: which metric, the value it measured, the limit and the condition it broke', () => {
    const r = read(rollout({ status: { phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 3: Metric "error-rate" assessed Failed', abort: true } }), [], [failedRun]);
    assert.equal(r.info.failure, 'AnalysisRun web-bbb-3-2 failed: metric error-rate measured 0.12 (failed 1 of 1 measurement, failureLimit 0): failureCondition result > 0.05');
    const run = r.info.analysisRuns[0];
    assert.equal(run?.type, 'Step');
    assert.equal(run?.stepIndex, 2);
    assert.equal(run?.metrics[0]?.provider, 'web: GET http://127.0.0.1:9/error-rate ({$.errorRate})');
    assert.equal(explainRun({ ...analysisRunView(failedRun), phase: 'Successful' }), undefined, 'a run that passed explains nothing');
  });
});

describe('Argo Rollouts: the writes, as the plugin sends them (v1.10.1)', () => {
  it('promote: clear a pause condition on status; unpause the spec too when paused by hand; advance the step when nothing pauses it', () => {
    assert.deepEqual(promoteWrites(rolloutView(rollout()), false), {
      status: { type: 'merge', subresource: 'status', body: { status: { pauseConditions: null } } },
      unified: { type: 'merge', body: { spec: { paused: false }, status: { pauseConditions: null } } },
    });
    const manual = promoteWrites(rolloutView(rollout({ spec: { paused: true }, status: { pauseConditions: [] } })), false);
    assert.deepEqual(manual.spec, { type: 'merge', body: { spec: { paused: false } } });
    assert.deepEqual(manual.status, { type: 'merge', subresource: 'status', body: { status: { pauseConditions: null, currentStepIndex: 2 } } });
    const inconclusive = promoteWrites(rolloutView(rollout({ status: { controllerPause: true, pauseConditions: [{ reason: 'InconclusiveAnalysisRun' }], canary: { currentStepAnalysisRunStatus: { name: 'x', status: 'Inconclusive' } } } })), false);
    assert.deepEqual(inconclusive.status?.body, { status: { pauseConditions: null, controllerPause: false, currentStepIndex: 2 } });
    assert.deepEqual(promoteWrites(rolloutView(rollout()), true).status?.body, { status: { promoteFull: true } });
    assert.equal(promoteWrites(rolloutView(rollout({ status: { currentPodHash: 'aaa' } })), true).status, undefined, 'already stable: no promoteFull');
    assert.deepEqual(restartWrites(new Date('2026-12-06T07:05:03.123Z')).spec?.body, { spec: { restartAt: '2026-12-06T07:05:03Z' } });
  });

  it('set image keeps every field as read and changes only the named container; a missing one is said', () => {
    const raw = { ...rollout(), extra: { kept: true } };
    const changed = withImage(raw, 'app', 'web:2.0') as { spec: { template: { spec: { containers: { image: string }[] } } }; extra: unknown };
    assert.equal(changed.spec.template.spec.containers[0]?.image, 'web:2.0');
    assert.deepEqual(changed.extra, { kept: true });
    assert.equal(withImage(raw, 'sidecar', 'x:1'), 'unable to find container named "sidecar"');
  });

  it('undo: the revision before the newest (or the one named), its template without the hash label, never the one running', () => {
    const sets = [rs('web-aaa', 'aaa', 1, 'web:1.0', 4, '2026-12-06T06:00:00Z'), rs('web-bbb', 'bbb', 2, 'web:1.1', 1, '2026-12-06T07:00:00Z')].map(replicaSetView);
    const previous = undoTarget(sets);
    assert.equal(typeof previous !== 'string' && previous.name, 'web-aaa');
    assert.equal(undoTarget(sets, 7), 'unable to find specified revision 7 in history');
    assert.equal(undoTarget(sets.slice(0, 1)), 'no revision found to go back to (the Rollout has one revision)');
    const patch = undoPatch(sets[0]!);
    assert.deepEqual(patch, { type: 'json', body: [{ op: 'replace', path: '/spec/template', value: template('web:1.0') }] });
    assert.equal(sameTemplate(template('web:1.0'), sets[0]!), true, 'the hash label does not count');
  });

  it('what a rollback will still run: nothing back to stable or within rollbackWindow, else the steps and analysis again', () => {
    const sets = [rs('web-aaa', 'aaa', 1, 'web:1.0', 4, '2026-12-06T06:00:00Z'), rs('web-bbb', 'bbb', 2, 'web:1.1', 1, '2026-12-06T07:00:00Z')];
    const toStable = planUndo(read(rollout(), sets));
    assert.ok(typeof toStable !== 'string');
    assert.equal(toStable.skipsSteps, true);
    assert.match(toStable.willRun, /stable ReplicaSet web-aaa: the Rollout goes straight back to it and skips its steps and analysis/);
    // Fully promoted bad revision 3 (stable ccc); revision 2 is older and still scaled up.
    const healthy = { status: { phase: 'Healthy', message: '', stableRS: 'ccc', currentPodHash: 'ccc', pauseConditions: [], currentStepIndex: 5 } };
    const three = [...sets, rs('web-ccc', 'ccc', 3, 'web:1.2', 4, '2026-12-06T08:00:00Z')];
    const outside = planUndo(read(rollout({ ...healthy, spec: { template: template('web:1.2') } }), three));
    assert.ok(typeof outside !== 'string');
    assert.equal(outside.rs.revision, 2);
    assert.equal(outside.skipsSteps, false);
    assert.match(outside.willRun, /runs its 5 steps again \(setWeight 25, pause \(until promoted\), analysis error-rate, setWeight 50, pause 30s\) before it has all the traffic/);
    const inside = planUndo(read(rollout({ ...healthy, spec: { template: template('web:1.2'), rollbackWindow: { revisions: 2 } } }), three));
    assert.ok(typeof inside !== 'string');
    assert.equal(inside.skipsSteps, true);
    assert.match(inside.willRun, /within the Rollout's rollbackWindow \(2 revisions\)/);
    const nothing = planUndo(read(rollout({ spec: { template: template('web:1.0') } }), sets));
    assert.ok(typeof nothing === 'string');
    assert.match(nothing, /already runs the template of revision 1/);
  });
});

describe('Argo Rollouts: where a rollback goes when no revision is named', () => {
  const sets = [rs('web-aaa', 'aaa', 1, 'web:1.0', 3, '2026-12-06T06:00:00Z'), rs('web-bbb', 'bbb', 2, 'web:1.1', 0, '2026-12-06T07:00:00Z'), rs('web-ccc', 'ccc', 3, 'web:1.2', 1, '2026-12-06T08:00:00Z')];
  const failedB = { ...failedRun, metadata: { ...(failedRun.metadata as object), labels: { 'rollouts-pod-template-hash': 'bbb' } } };

  it('an update in progress (or aborted) goes back to stable, not to the plugin\'s "previous" (the aborted, broken revision 2)', () => {
    const r = read(rollout({ status: { stableRS: 'aaa', currentPodHash: 'ccc' } }), sets, [failedB]);
    assert.deepEqual(rollbackRevision(r), { revision: 1, skipped: [] });
    const undo = planUndo(r, rollbackRevision(r)?.revision);
    assert.ok(typeof undo !== 'string' && undo.skipsSteps, 'back to stable: steps skipped');
  });

  it('at rest, the newest older revision whose analysis did not fail, saying which were passed over', () => {
    const r = read(rollout({ spec: { template: template('web:1.2') }, status: { phase: 'Healthy', stableRS: 'ccc', currentPodHash: 'ccc', pauseConditions: [] } }), sets, [failedB]);
    assert.deepEqual(rollbackRevision(r), { revision: 1, skipped: ['revision 2 (web:1.1): its analysis failed'] });
    assert.deepEqual(rollbackRevision(read(rollout({ status: { stableRS: 'ccc', currentPodHash: 'ccc' } }), sets)), { revision: 2, skipped: [] });
  });
});

describe('Argo Rollouts: which targets a Rollout takes over', () => {
  const target = (over: Partial<Target> = {}): Target =>
    ({ name: 'web', namespace: 'shop', app: 'web', strategy: 'rolling', strategyDefaulted: true, kind: 'Deployment', service: 'web', protected: false, keepOldForMs: 0, canary: { steps: [100], pauseMs: 0, traffic: 'replicas', route: 'web' }, verify: {}, gitops: { autoSync: 'ask', argocdNamespace: 'argocd' }, ...over }) as unknown as Target;
  const cluster = (rollouts: KubeObject[]) =>
    ({
      identity: { context: 'kind', server: 'https://127.0.0.1' },
      rollouts: { listRollouts: () => Promise.resolve(rollouts), getRollout: (_ns: string, name: string) => Promise.resolve(rollouts.find((r) => (r.metadata as { name: string }).name === name)) },
    }) as unknown as Cluster;
  const referencing = { metadata: { name: 'web-rollout' }, spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, strategy: { canary: {} } } };

  it('a target with no strategy written becomes argo-rollout; one configured otherwise is refused, naming the Rollout', async () => {
    const detected = await resolveRolloutTarget(cluster([referencing]), target());
    assert.ok(detected.ok);
    assert.equal(detected.value.strategy, 'argo-rollout');
    assert.equal(detected.value.rollout, 'web-rollout');
    const refused = await resolveRolloutTarget(cluster([referencing]), target({ strategy: 'canary', strategyDefaulted: false }));
    assert.ok(!refused.ok);
    assert.equal(refused.failure, 'input');
    assert.match(refused.reason, /^Argo Rollout web-rollout references Deployment web \(workloadRef\): a canary deploy of web would write what the Rollout's controller manages/);
    assert.match(refused.hint ?? '', /strategy: argo-rollout/);
    const plain = await resolveRolloutTarget(cluster([]), target());
    assert.ok(plain.ok && plain.value.strategy === 'rolling', 'no Rollout: unchanged');
    const missing = await resolveRolloutTarget(cluster([]), target({ strategy: 'argo-rollout', strategyDefaulted: false }));
    assert.ok(!missing.ok);
    assert.match(missing.reason, /There is no Argo Rollout web in shop/);
  });
});

describe('Argo Rollouts: init suggests them', () => {
  it('a Rollout is an argo-rollout target; the Deployment its workloadRef names is not a target of its own; the file reads back', () => {
    const facts: ClusterFacts = {
      context: 'prod',
      namespace: 'shop',
      deployments: [
        { name: 'cart', podLabels: { app: 'cart' }, containers: ['app'] },
        { name: 'search', podLabels: { app: 'search' }, containers: ['search'] },
      ],
      services: [{ name: 'cart', selector: { app: 'cart' } }],
      rollouts: [
        { name: 'cart-rollout', workloadRef: 'cart', podLabels: {}, containers: [], strategy: 'canary, 4 steps' },
        { name: 'web', podLabels: { app: 'web' }, containers: ['web'], strategy: 'blue-green' },
      ],
    };
    const byName = Object.fromEntries(suggestTargets(facts).map((t) => [t.name, t]));
    assert.deepEqual(Object.keys(byName).sort(), ['cart-rollout', 'search', 'web']);
    assert.equal(byName['cart-rollout']?.strategy, 'argo-rollout');
    assert.equal(byName['cart-rollout']?.service, 'cart', "the referenced Deployment's pods pick the Service");
    assert.match(byName['cart-rollout']?.why ?? '', /Argo Rollout \(canary, 4 steps, its template from Deployment cart\)/);
    assert.equal(byName['web']?.strategy, 'argo-rollout');
    const settings = resolveGitSettings(undefined, { localBranches: ['main'], remoteBranches: [], tags: [], remotes: [] });
    assert.ok(settings.ok);
    const { text } = renderInitConfig({ git: settings.value, cluster: facts });
    const config = parseConfig(text, '.hotfix/config.yaml');
    assert.ok(config.ok, config.ok ? '' : config.reason);
    const target = resolveTarget(config.value, 'cart-rollout');
    assert.ok(target.ok);
    assert.equal(target.value.strategy, 'argo-rollout');
    assert.equal(target.value.strategyDefaulted, undefined, 'written out, so not a default');
  });
});
