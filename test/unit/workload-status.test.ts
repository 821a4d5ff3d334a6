import assert from 'node:assert/strict';
import { resolveGitSettings } from '../../src/core/config/defaults';
import { renderInitConfig, suggestTargets, type ClusterFacts } from '../../src/core/config/init';
import { parseConfig } from '../../src/core/config/parse';
import { resolveTarget } from '../../src/core/config/targets';
import type { ControllerRevisionView, DaemonSetView, StatefulSetView } from '../../src/core/deploy/workload-ports';
import { currentRevision, daemonSetStatus, planRevisionUndo, statefulSetStatus } from '../../src/core/deploy/workload-status';

type StsStatus = StatefulSetView['status'];
type DsStatus = DaemonSetView['status'];

function sts(status: Partial<StsStatus>, more: Partial<StatefulSetView> = {}): StatefulSetView {
  return {
    kind: 'StatefulSet',
    name: 'db',
    namespace: 'shop',
    uid: 'u1',
    generation: 2,
    labels: {},
    annotations: {},
    selector: { app: 'db' },
    template: {},
    containers: [{ name: 'db', image: 'db:1.1' }],
    updateStrategy: { type: 'RollingUpdate', partition: 0 },
    replicas: 3,
    status: { observedGeneration: 2, replicas: 3, readyReplicas: 3, updatedReplicas: 3, currentReplicas: 3, availableReplicas: 3, updateRevision: 'db-b', currentRevision: 'db-b', ...status },
    ...more,
  };
}

function ds(status: Partial<DsStatus>, more: Partial<DaemonSetView> = {}): DaemonSetView {
  return {
    kind: 'DaemonSet',
    name: 'agent',
    namespace: 'shop',
    uid: 'u2',
    generation: 2,
    labels: {},
    annotations: {},
    selector: { app: 'agent' },
    template: {},
    containers: [{ name: 'agent', image: 'agent:2' }],
    updateStrategy: { type: 'RollingUpdate', maxUnavailable: 1 },
    status: { observedGeneration: 2, desiredNumberScheduled: 1, currentNumberScheduled: 1, updatedNumberScheduled: 1, numberReady: 1, numberAvailable: 1, ...status },
    ...more,
  };
}

const rev = (name: string, revision: number, image: string): ControllerRevisionView => ({ name, revision, annotations: {}, data: {}, template: {}, images: [image] });

describe('StatefulSet and DaemonSet rollout status, in the words kubectl rollout status prints', () => {
  it('StatefulSet: spec not observed, pods not ready, partitioned roll out waiting and complete', () => {
    assert.deepEqual(statefulSetStatus(sts({ observedGeneration: 1 })), { state: 'progressing', message: 'Waiting for statefulset spec update to be observed...' });
    assert.deepEqual(statefulSetStatus(sts({ observedGeneration: 0 }, { generation: 0 })).message, 'Waiting for statefulset spec update to be observed...');
    assert.deepEqual(statefulSetStatus(sts({ readyReplicas: 2 })), { state: 'progressing', message: 'Waiting for 1 pods to be ready...' });
    assert.deepEqual(statefulSetStatus(sts({ updatedReplicas: 1 })), { state: 'progressing', message: 'Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...' });
    // kubectl takes the partitioned branch whenever rollingUpdate is set, which the server always defaults.
    assert.deepEqual(statefulSetStatus(sts({})), { state: 'complete', message: 'partitioned roll out complete: 3 new pods have been updated...' });
    const partitioned = sts({ updatedReplicas: 1, currentReplicas: 2, currentRevision: 'db-a' }, { updateStrategy: { type: 'RollingUpdate', partition: 2 } });
    assert.deepEqual(statefulSetStatus(partitioned), { state: 'complete', message: 'partitioned roll out complete: 1 new pods have been updated...' });
    const waiting = sts({ updatedReplicas: 0, currentRevision: 'db-a' }, { updateStrategy: { type: 'RollingUpdate', partition: 2 } });
    assert.equal(statefulSetStatus(waiting).message, 'Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...');
  });

  it('StatefulSet without a partition: update vs current revision; OnDelete is not waitable and says so', () => {
    const noPartition = { updateStrategy: { type: 'RollingUpdate' } };
    assert.deepEqual(statefulSetStatus(sts({ updatedReplicas: 2, currentRevision: 'db-a' }, noPartition)), { state: 'progressing', message: 'waiting for statefulset rolling update to complete 2 pods at revision db-b...' });
    assert.deepEqual(statefulSetStatus(sts({}, noPartition)), { state: 'complete', message: 'statefulset rolling update complete 3 pods at revision db-b...' });
    const onDelete = statefulSetStatus(sts({}, { updateStrategy: { type: 'OnDelete' } }));
    assert.equal(onDelete.state, 'not-waitable');
    assert.match(onDelete.message, /StatefulSet db uses updateStrategy OnDelete: .*no rollout to wait for .*rollout status is only available for RollingUpdate strategy type/);
  });

  it('DaemonSet: observed, updated, available, complete; OnDelete not waitable', () => {
    assert.deepEqual(daemonSetStatus(ds({ observedGeneration: 1 })), { state: 'progressing', message: 'Waiting for daemon set spec update to be observed...' });
    assert.deepEqual(daemonSetStatus(ds({ updatedNumberScheduled: 0 })), { state: 'progressing', message: 'Waiting for daemon set "agent" rollout to finish: 0 out of 1 new pods have been updated...' });
    assert.deepEqual(daemonSetStatus(ds({ numberAvailable: 0 })), { state: 'progressing', message: 'Waiting for daemon set "agent" rollout to finish: 0 of 1 updated pods are available...' });
    assert.deepEqual(daemonSetStatus(ds({})), { state: 'complete', message: 'daemon set "agent" successfully rolled out' });
    assert.equal(daemonSetStatus(ds({}, { updateStrategy: { type: 'OnDelete' } })).state, 'not-waitable');
  });
});

describe('ControllerRevision undo, as kubectl rollout undo picks it', () => {
  const revisions = [rev('db-a', 1, 'db:1.0'), rev('db-c', 3, 'db:1.2'), rev('db-b', 2, 'db:1.1')];

  it('the current one is the update revision (else the highest); undo goes to the second highest, or --to-revision', () => {
    assert.equal(currentRevision(sts({ updateRevision: 'db-c' }), revisions)?.name, 'db-c');
    assert.equal(currentRevision(ds({}), revisions)?.name, 'db-c');
    const previous = planRevisionUndo(sts({ updateRevision: 'db-c' }), revisions);
    assert.ok(!('error' in previous));
    assert.equal(previous.to.name, 'db-b');
    assert.equal(previous.from?.name, 'db-c');
    const toOne = planRevisionUndo(ds({}), revisions, 1);
    assert.ok(!('error' in toOne));
    assert.equal(toOne.to.name, 'db-a');
  });

  it('says why when there is nothing to go back to', () => {
    assert.deepEqual(planRevisionUndo(ds({}), [rev('agent-a', 1, 'agent:1')]), { error: 'DaemonSet agent has no revision before 1 to roll back to.' });
    assert.deepEqual(planRevisionUndo(ds({}), revisions, 7), { error: 'DaemonSet agent has no revision 7 (revisions kept: 1, 2, 3).' });
    assert.deepEqual(planRevisionUndo(sts({ updateRevision: 'db-c' }), revisions, 3), { error: 'StatefulSet db already runs the template of revision 3 (db:1.2).' });
  });
});

describe('init suggests StatefulSets and DaemonSets', () => {
  it('writes kind: out with why, and the file reads back as those kinds, rolling', () => {
    const git = resolveGitSettings(undefined, { localBranches: ['main', 'production'], remoteBranches: [], tags: [], remotes: [] });
    assert.ok(git.ok);
    const cluster: ClusterFacts = {
      context: 'c',
      namespace: 'shop',
      deployments: [{ name: 'web', podLabels: { app: 'web' }, containers: ['web'] }],
      workloads: [
        { name: 'db', kind: 'StatefulSet', podLabels: { app: 'db' }, containers: ['db'] },
        { name: 'agent', kind: 'DaemonSet', podLabels: { app: 'agent' }, containers: ['agent'] },
      ],
      services: [{ name: 'db', selector: { app: 'db' } }],
    };
    assert.deepEqual(suggestTargets(cluster).map((t) => [t.name, t.kind ?? 'Deployment', t.strategy]), [['agent', 'DaemonSet', 'rolling'], ['db', 'StatefulSet', 'rolling'], ['web', 'Deployment', 'rolling']]);
    const { text } = renderInitConfig({ git: git.value, cluster });
    assert.match(text, /# The app: the StatefulSet db\.\n\s+app: db\n\s+# A StatefulSet rolls out in place, pod by pod from the highest ordinal .*\n\s+# a rollback restores its previous ControllerRevision, as kubectl rollout undo does\..*\n.*\n\s+kind: StatefulSet\n\s+strategy: rolling/);
    assert.match(text, /# A DaemonSet rolls out in place, node by node/);
    const config = parseConfig(text, '.hotfix/config.yaml');
    assert.ok(config.ok, config.ok ? '' : config.reason);
    const db = resolveTarget(config.value, 'db');
    assert.ok(db.ok);
    assert.equal(db.value.kind, 'StatefulSet');
    assert.equal(db.value.service, 'db');
    const agent = resolveTarget(config.value, 'agent');
    assert.equal(agent.ok && agent.value.kind, 'DaemonSet');
  });
});
