// An Argo Rollout as the editor shows it, without VS Code: the panel's view of a Rollout aborted by a
// failed step analysis (read from the objects as the controller writes them), the Deployments view's
// rows, the controls each phase allows, the protocol's guard of the page's report, and the palette
// command's options and remedies.

import assert from 'node:assert/strict';
import { ROLLOUT_ACTIONS } from '../../src/app/rollout';
import type { TargetLiveState } from '../../src/core/deploy/describe';
import { remedy } from '../../src/core/remedy';
import { rolloutInfo, type RolloutInfo } from '../../src/core/rollouts/info';
import { analysisRunView, replicaSetView, rolloutView } from '../../src/core/rollouts/model';
import { commandArgsProblem, ROLLOUT_ACTION_NAMES } from '../../src/extension/command-args';
import { rolloutActions, rolloutPanelView } from '../../src/extension/panel/rollout-view';
import { canaryView } from '../../src/extension/panel/views';
import { editorRemedy } from '../../src/extension/remedy-map';
import { rolloutRows } from '../../src/extension/views/rollout-nodes';
import { isWebviewToHost } from '../../src/shared/protocol';

const FAILURE = 'AnalysisRun cart-7c9b5d-2-1 failed: metric error-rate measured 0.12 (failed 1 of 1 measurement, failureLimit 0): failureCondition result > 0.05';
const ABORTED = 'RolloutAborted: Rollout aborted update to revision 2: Metric "error-rate" assessed Failed due to failed (1) > failureLimit (0)';

const steps = [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'error-rate' }] } }, { pause: {} }];

function rollout(status: Record<string, unknown>, spec: Record<string, unknown> = {}) {
  return rolloutView({
    metadata: { name: 'cart', namespace: 'shop', uid: 'u-1', generation: 2 },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'cart:1.1' }] } }, strategy: { canary: { steps } }, ...spec },
    status: { observedGeneration: '2', stableRS: '6f7d4c', currentPodHash: '7c9b5d', replicas: 2, updatedReplicas: 0, readyReplicas: 2, availableReplicas: 2, ...status },
  });
}

const sets = [
  replicaSetView({ metadata: { name: 'cart-6f7d4c', labels: { 'rollouts-pod-template-hash': '6f7d4c' }, annotations: { 'rollout.argoproj.io/revision': '1' } }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'cart:1.0' }] } } }, status: { readyReplicas: 2, availableReplicas: 2 } }),
  replicaSetView({ metadata: { name: 'cart-7c9b5d', labels: { 'rollouts-pod-template-hash': '7c9b5d' }, annotations: { 'rollout.argoproj.io/revision': '2' } }, spec: { replicas: 0, template: { spec: { containers: [{ name: 'app', image: 'cart:1.1' }] } } }, status: {} }),
];

const failedRun = analysisRunView({
  metadata: { name: 'cart-7c9b5d-2-1', creationTimestamp: '2026-11-27T10:01:00Z', labels: { 'rollout-type': 'Step', 'step-index': '1', 'rollouts-pod-template-hash': '7c9b5d' }, annotations: { 'rollout.argoproj.io/revision': '2' } },
  spec: { metrics: [{ name: 'error-rate', provider: { web: { url: 'http://127.0.0.1:8125/', jsonPath: '{$.errorRate}' } }, failureCondition: 'result > 0.05', count: 1 }] },
  status: {
    phase: 'Failed',
    message: 'Metric "error-rate" assessed Failed due to failed (1) > failureLimit (0)',
    metricResults: [{ name: 'error-rate', phase: 'Failed', count: 1, failed: 1, measurements: [{ phase: 'Failed', value: '0.12', startedAt: '2026-11-27T10:01:01Z', finishedAt: '2026-11-27T10:01:02Z' }] }],
  },
});

const degraded: RolloutInfo = rolloutInfo(
  rollout({ phase: 'Degraded', message: ABORTED, abort: true, currentStepIndex: 0 }),
  sets,
  [failedRun],
);

const live = (info: RolloutInfo): TargetLiveState => ({
  target: 'cart', strategy: 'argo-rollout', context: 'kind', server: 'https://127.0.0.1:6443', namespace: 'shop', protected: false,
  deployments: [], rollout: info,
});

describe('Argo Rollout in the editor: panel view and tree rows', () => {
  it('makes the panel view of a Rollout aborted by a failed analysis: the failure line, the metric, its value and condition', () => {
    const view = rolloutPanelView(degraded);
    assert.equal(view.phase, 'Degraded');
    assert.equal(view.message, ABORTED);
    assert.equal(view.failure, FAILURE);
    assert.deepEqual(view.steps, [{ text: 'setWeight 50', state: 'current' }, { text: 'analysis error-rate', state: 'pending' }, { text: 'pause (until promoted)', state: 'pending' }]);
    assert.deepEqual([view.step, view.setWeight, view.actualWeight, view.aborted, view.paused], [0, 0, 0, true, false]);
    assert.deepEqual(view.stable, { name: 'cart-6f7d4c', images: ['cart:1.0'], ready: 2, replicas: 2, revision: 1 });
    assert.deepEqual(view.canary, { name: 'cart-7c9b5d', images: ['cart:1.1'], ready: 0, replicas: 0, revision: 2 });
    assert.deepEqual(view.analysisRuns, [{
      name: 'cart-7c9b5d-2-1', phase: 'Failed', message: 'Metric "error-rate" assessed Failed due to failed (1) > failureLimit (0)', failure: FAILURE, type: 'Step', step: 2, revision: 2,
      metrics: [{
        name: 'error-rate', provider: 'web: GET http://127.0.0.1:8125/ ({$.errorRate})', phase: 'Failed', failureCondition: 'result > 0.05', failureLimit: '0',
        counts: '1 failed, 0 successful of 1 (count 1)', measurements: [{ phase: 'Failed', value: '0.12', at: '2026-11-27T10:01:02Z' }],
      }],
    }]);
    assert.deepEqual(view.actions, [], 'aborted: Retry or Undo, from the palette');
  });

  it('shows the Rollout in the canary tab without a deploy from this repository, and beside one', () => {
    const alone = canaryView({ state: undefined, live: live(degraded), target: 'cart', app: 'cart', series: [], running: false });
    assert.equal(alone?.strategy, 'argo-rollout');
    assert.equal(alone?.outcome, 'failed', 'Degraded: the panel stops refreshing');
    assert.equal(alone?.rollout?.failure, FAILURE);
    assert.equal(alone?.image, 'cart:1.1');
    const progressing = rolloutInfo(rollout({ phase: 'Progressing', message: 'more replicas need to be updated', currentStepIndex: 0 }), sets, []);
    assert.equal(canaryView({ state: undefined, live: live(progressing), target: 'cart', app: 'cart', series: [], running: false })?.outcome, 'running', 'refreshed while it moves');
    const state = { version: 1, id: 'op', target: 'cart', strategy: 'argo-rollout', context: 'kind', namespace: 'shop', image: 'cart:1.1', startedAt: '2026-11-27T10:00:00Z', finishedAt: '2026-11-27T10:00:05Z', outcome: 'deployed', actor: 'Ada', meta: {}, plan: [], done: [] };
    const beside = canaryView({ state: state as never, live: live(degraded), target: 'cart', app: 'cart', series: [], running: false });
    assert.equal(beside?.actor, 'Ada');
    assert.equal(beside?.outcome, 'failed', 'the deploy handed over: the Rollout says where it stands since');
    assert.equal(beside?.rollout?.analysisRuns.length, 1);
  });

  it('offers the controls each phase allows', () => {
    const at = (status: Record<string, unknown>, spec?: Record<string, unknown>) => rolloutActions(rolloutInfo(rollout(status, spec), sets, []));
    assert.deepEqual(at({ phase: 'Paused', message: 'CanaryPauseStep', currentStepIndex: 2, pauseConditions: [{ reason: 'CanaryPauseStep' }] }), ['promote', 'abort']);
    assert.deepEqual(at({ phase: 'Paused', message: 'manually paused', currentStepIndex: 1 }, { paused: true }), ['resume', 'promote', 'abort']);
    assert.deepEqual(at({ phase: 'Progressing', message: 'more replicas need to be updated', currentStepIndex: 0 }), ['pause', 'promote', 'abort']);
    assert.deepEqual(at({ phase: 'Healthy', currentStepIndex: 3, stableRS: '7c9b5d' }), []);
    assert.equal(rolloutPanelView(rolloutInfo(rollout({ phase: 'Paused', message: 'manually paused' }, { paused: true }), sets, [])).paused, true);
  });

  it('lists the Rollout in the Deployments view: phase, step and weight, stable and canary, the failed analysis', () => {
    const rows = rolloutRows(degraded, 'kind/shop');
    assert.deepEqual(rows.map((r) => [r.label, r.description, r.contextValue]), [
      ['Rollout cart', `Degraded - ${ABORTED}`, 'hotfix.live.rollout.status.degraded'],
      ['step 0/3 (setWeight 50), weight 0%', '', 'hotfix.live.rollout.step'],
      ['stable cart-6f7d4c', '(cart:1.0) 2/2 ready · rev 1', 'hotfix.live.rollout.rs.stable'],
      ['canary cart-7c9b5d', '(cart:1.1) 0/0 ready · rev 2', 'hotfix.live.rollout.rs.canary'],
      ['Analysis failed', FAILURE, 'hotfix.live.rollout.analysis.failed'],
    ]);
    const paused = rolloutInfo(rollout({ phase: 'Paused', message: 'CanaryPauseStep', currentStepIndex: 2, pauseConditions: [{ reason: 'CanaryPauseStep' }], updatedReplicas: 1, availableReplicas: 3 }), [sets[0]!, { ...sets[1]!, replicas: 1, ready: 1, available: 1 }], []);
    assert.deepEqual(rolloutRows(paused, 'kind/shop').slice(0, 2).map((r) => `${r.label}: ${r.description}`), ['Rollout cart: Paused - CanaryPauseStep', 'step 2/3 (pause (until promoted)), weight 33% (set 50%): ']);
    assert.match(rolloutRows(paused, 'kind/shop')[1]?.tooltip ?? '', /▶ 3\. pause \(until promoted\)/);
  });
});

describe('Argo Rollout in the editor: guards and remedies', () => {
  it('accepts the page report of what it rendered, bounded', () => {
    assert.equal(isWebviewToHost({ kind: 'canary-rendered', target: 'cart', failures: [FAILURE] }), true);
    assert.equal(isWebviewToHost({ kind: 'canary-rendered', target: 'cart; rm', failures: [] }), false);
    assert.equal(isWebviewToHost({ kind: 'canary-rendered', target: 'cart', failures: [7] }), false);
    assert.equal(isWebviewToHost({ kind: 'canary-rendered', target: 'cart', failures: Array(51).fill('x') }), false);
  });

  it('checks the options of Argo Rollout Action… and knows every verb of the operation', () => {
    assert.deepEqual([...ROLLOUT_ACTION_NAMES].sort(), [...ROLLOUT_ACTIONS].sort());
    assert.equal(commandArgsProblem('rolloutAction', { root: '/src/shop', target: 'cart', action: 'undo', toRevision: 1, confirmed: true }), undefined);
    assert.equal(commandArgsProblem('rolloutAction', { root: '/src/shop', target: 'cart', label: 'Rollout cart', contextValue: 'hotfix.live.rollout.status.paused' }), undefined, 'a Deployments view row');
    assert.match(commandArgsProblem('rolloutAction', { target: 'cart', action: 'delete' }) ?? '', /^action must be promote, promote-full, abort, retry, pause, resume, undo or restart$/);
    assert.match(commandArgsProblem('rolloutAction', { target: 'cart', action: 'undo', toRevision: '2' }) ?? '', /^toRevision must be/);
  });

  it('offers a rollout remedy as Argo Rollout Action… with its verb, and its status as the Canary tab', () => {
    assert.deepEqual(editorRemedy(remedy('rollout', { target: 'cart', action: 'retry' }), '/src/shop'), {
      kind: 'command', key: 'rolloutAction', command: 'hotfixDeployer.rolloutAction', title: 'Argo Rollout Action…', args: { root: '/src/shop', target: 'cart', action: 'retry' },
    });
    assert.deepEqual(editorRemedy(remedy('rollout', { target: 'cart', action: 'promote', full: true }), '/src/shop'), {
      kind: 'command', key: 'rolloutAction', command: 'hotfixDeployer.rolloutAction', title: 'Argo Rollout Action…', args: { root: '/src/shop', target: 'cart', action: 'promote-full' },
    }, "the operation's own remedy says promote with full");
    assert.deepEqual(editorRemedy(remedy('rollout', { target: 'cart', action: 'status', watch: true }), '/src/shop'), {
      kind: 'command', key: 'showCanary', command: 'hotfixDeployer.showCanary', title: 'Show Canary Progress', args: { root: '/src/shop', target: 'cart' },
    }, 'its status, followed: the Canary tab');
    assert.deepEqual(editorRemedy(remedy('rollout', { target: 'cart', action: 'undo', toRevision: 1 })), {
      kind: 'command', key: 'rolloutAction', command: 'hotfixDeployer.rolloutAction', title: 'Argo Rollout Action…', args: { target: 'cart', action: 'undo', toRevision: 1 },
    });
  });
});
