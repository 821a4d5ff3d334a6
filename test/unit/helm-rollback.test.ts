import assert from 'node:assert/strict';
import { rollback } from '../../src/core/deploy/rollback';
import { MemoryHelm } from './fakes/memory-helm';
import { ClusterWorld } from './machines/cluster-world';

/** web (3 × web:1.1) installed by Helm release web: revisions 1 (web:1.0) and 2 (web:1.1, deployed). */
function helmWorld(): ClusterWorld {
  const w = new ClusterWorld({ namespace: 'shop', app: 'web', helm: {} });
  w.cluster.seedDeployment({ name: 'web', replicas: 3, selector: { app: 'web' }, templateLabels: { app: 'web' }, containers: [{ name: 'app', image: 'web:1.1' }] });
  return w;
}

const revisions = () => [
  { revision: 1, status: 'superseded', description: 'Install complete' },
  { revision: 2, status: 'deployed', description: 'Upgrade complete' },
];

describe('Helm rollback: killed and run again (in-memory Helm history and cluster)', () => {
  it('killed after helm rollback returned: run again, it says so and rolls back no second time', async () => {
    const w = helmWorld();
    const helm = new MemoryHelm(revisions());
    helm.dieAfterRollback = true;
    await assert.rejects(rollback(w.context(undefined, { helm }), { immediate: true, confirmed: true }), /killed/);
    assert.deepEqual(helm.revisions.map((r) => `${r.revision} ${r.status} ${r.description}`), ['1 superseded Install complete', '2 superseded Upgrade complete', '3 deployed Rollback to 1']);

    const again = await rollback(w.context(undefined, { helm }), { immediate: true, confirmed: true });
    assert.equal(again.kind, 'rolled-back', JSON.stringify(again));
    assert.match(again.kind === 'rolled-back' ? again.message : '', /^continued an interrupted rollback: rolled Helm release web back from revision 2 \(web:1\.1\) to revision 1 .*: new revision 3/);
    assert.deepEqual(helm.calls.filter((c) => c.startsWith('rollback')), ['rollback 1'], 'one helm rollback in all');

    // Finished now: a third rollback on purpose is a new one, back to revision 2's template.
    const third = await rollback(w.context(undefined, { helm }), { immediate: true, confirmed: true });
    assert.equal(third.kind, 'rolled-back', JSON.stringify(third));
    assert.deepEqual(helm.calls.filter((c) => c.startsWith('rollback')), ['rollback 1', 'rollback 2']);
  });

  it('refuses a revision the release does not have, or the one it is at, before helm runs', async () => {
    const w = helmWorld();
    const helm = new MemoryHelm(revisions());
    const missing = await rollback(w.context(undefined, { helm }), { toRevision: 7, confirmed: true });
    assert.equal(missing.kind, 'refused');
    assert.match(missing.kind === 'refused' ? missing.reason : '', /^Helm release web has no revision 7 \(its latest is 2\)\.$/);
    const same = await rollback(w.context(undefined, { helm }), { toRevision: 2, confirmed: true });
    assert.match(same.kind === 'refused' ? same.reason : '', /^Helm release web is at revision 2 already\.$/);
    assert.deepEqual(helm.calls.filter((c) => c.startsWith('rollback')), []);
  });
});
