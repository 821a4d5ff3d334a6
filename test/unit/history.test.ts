import assert from 'node:assert/strict';
import { deploy } from '../../src/core/deploy/deploy';
import { targetHistory } from '../../src/core/deploy/target-history';
import { blueGreenWorld, rollingWorld, type ClusterWorld } from './machines/cluster-world';

async function deployed(world: ClusterWorld, image: string): Promise<ClusterWorld> {
  const outcome = await deploy(world.context(), { image, confirmed: true });
  assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
  return world;
}

describe('history: a target\'s revisions, as rollout history lists them (in-memory cluster)', () => {
  it('rolling: newest first, the current one marked, the older ones offered for a rollback', async () => {
    const w = await deployed(rollingWorld(), 'web:1.1');
    const history = await targetHistory(w.context());
    assert.ok(history.ok, history.ok ? '' : history.reason);
    assert.equal(history.value.subject, 'Deployment web in shop');
    assert.deepEqual(history.value.revisions.map((r) => [r.revision, r.current, r.rollbackable, r.images.join(',')]), [[2, true, false, 'web:1.1'], [1, false, true, 'web:1.0']]);
    assert.match(history.value.revisions[0]?.description ?? '', /^hotfix-deployer rolling web:1\.1/, 'the change-cause the deploy wrote');
  });

  it('blue-green: the live colour\'s revisions, none offered, since a rollback switches colours instead', async () => {
    const w = await deployed(blueGreenWorld('10m'), 'web:1.1');
    const history = await targetHistory(w.context());
    assert.ok(history.ok, history.ok ? '' : history.reason);
    assert.equal(history.value.subject, 'Deployment web-green in shop (the live colour; rollback switches to blue)');
    assert.ok(history.value.revisions.length > 0);
    assert.ok(history.value.revisions.every((r) => r.rollbackable === false));
    assert.equal(history.value.revisions.find((r) => r.current)?.images.join(','), 'web:1.1');
  });
});
