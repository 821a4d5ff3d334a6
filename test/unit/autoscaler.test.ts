import assert from 'node:assert/strict';
import type { AutoscalerBounds, AutoscalerView } from '../../src/core/deploy/autoscaler-ports';
import { atLeast, exactly, pinOf } from '../../src/core/deploy/autoscaler';
import { deploy } from '../../src/core/deploy/deploy';
import { ClusterRefusal, type WriteOptions } from '../../src/core/deploy/ports';
import { retireOldColour } from '../../src/core/deploy/retire';
import { deployKey, type DeployState } from '../../src/core/deploy/state';
import { KillSwitch } from './fakes/kill-switch';
import { blueGreenWorld, canaryWorld, type ClusterWorld } from './machines/cluster-world';

/** Every real write to an HPA, with the replicas of the Deployment it scales at that moment: the order matters. */
function recordPins(w: ClusterWorld, conflictsFirst = 0): string[] {
  const seen: string[] = [];
  const hpas = w.cluster.autoscalers;
  const setBounds = hpas.setBounds.bind(hpas);
  let conflicts = conflictsFirst;
  hpas.setBounds = async (namespace: string, expected: AutoscalerView, bounds: AutoscalerBounds, options: WriteOptions) => {
    if (!options.dryRun && conflicts-- > 0) throw new ClusterRefusal('the object has been modified', 409, 'Conflict');
    if (!options.dryRun) {
      const d = await w.cluster.getDeployment(namespace, expected.target.name);
      seen.push(`${bounds.minReplicas}-${bounds.maxReplicas} at ${d?.replicas ?? '?'}${bounds.annotations['hotfix-deployer.io/pinned-by'] === null ? ' restore' : ''}`);
    }
    return setBounds(namespace, expected, bounds, options);
  };
  return seen;
}

const ours = (hpa: AutoscalerView | undefined) => Object.keys(hpa?.annotations ?? {}).filter((k) => k.startsWith('hotfix-deployer.io/'));

describe('autoscalers', () => {
  it('bounds: exactly never asks for 0 (the API refuses it); atLeast only raises', () => {
    assert.deepEqual(exactly(0), { minReplicas: 1, maxReplicas: 1 });
    assert.deepEqual(exactly(3), { minReplicas: 3, maxReplicas: 3 });
    assert.deepEqual(atLeast({ minReplicas: 2, maxReplicas: 10 }, 4), { minReplicas: 4, maxReplicas: 10 });
    assert.deepEqual(atLeast({ minReplicas: 1, maxReplicas: 3 }, 4), { minReplicas: 4, maxReplicas: 4 });
  });

  it('reads a pin from the annotations only when both are there and parse', () => {
    const w = canaryWorld();
    const hpa = (annotations: Record<string, string>) => w.cluster.autoscalers.add('shop', 'x', 'web', { maxReplicas: 5 }, annotations);
    assert.equal(pinOf(hpa({})), undefined);
    assert.equal(pinOf(hpa({ 'hotfix-deployer.io/pinned-by': 'op' })), undefined);
    assert.equal(pinOf(hpa({ 'hotfix-deployer.io/pinned-by': 'op', 'hotfix-deployer.io/bounds-before': 'nope' })), undefined);
    assert.deepEqual(pinOf(hpa({ 'hotfix-deployer.io/pinned-by': 'op', 'hotfix-deployer.io/bounds-before': '{"minReplicas":2,"maxReplicas":10}' })), { by: 'op', before: { minReplicas: 2, maxReplicas: 10 } });
  });

  it('a replica canary pins stable\'s HPA to each step\'s split before scaling stable, and restores it after promotion', async () => {
    const w = canaryWorld();
    w.cluster.autoscalers.add('shop', 'web', 'web', { minReplicas: 4, maxReplicas: 10 });
    const seen = recordPins(w);
    const outcome = await deploy(w.context(), { image: 'web:1.1' });
    assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
    // Stable is still at its old count at each pin: the pin comes first, then the scale-down.
    assert.deepEqual(seen, ['4-4 at 4', '3-3 at 4', '2-2 at 3', '1-1 at 2', '4-4 at 0', '4-10 at 4 restore']);
    const hpa = await w.cluster.autoscalers.getAutoscaler('shop', 'web');
    assert.deepEqual([hpa?.minReplicas, hpa?.maxReplicas, ours(hpa)], [4, 10, []]);
    const state = await w.store.read<DeployState>(deployKey('web'));
    assert.deepEqual(state?.before?.autoscalers, [{ name: 'web', deployment: 'web', minReplicas: 4, maxReplicas: 10 }]);
  });

  it('a failed gate restores the HPA; a pin a crashed operation left keeps its original bounds; a write that meets a changed HPA reads it again', async () => {
    const w = canaryWorld('gateway-api', 100);
    w.cluster.autoscalers.add('shop', 'web', 'web', { minReplicas: 4, maxReplicas: 4 }, { 'hotfix-deployer.io/pinned-by': 'crashed-op', 'hotfix-deployer.io/bounds-before': '{"minReplicas":2,"maxReplicas":10}' });
    const seen = recordPins(w, 1);
    const outcome = await deploy(w.context(new KillSwitch()), { image: 'web:1.1' });
    assert.equal(outcome.kind, 'rolled-back', JSON.stringify(outcome));
    assert.match(outcome.kind === 'rolled-back' ? outcome.message : '', /HorizontalPodAutoscaler web back to min 2, max 10$/);
    // Mesh: stable stays whole, its minimum the total and the maximum its own.
    assert.deepEqual(seen, ['4-10 at 4', '2-10 at 4 restore']);
    const hpa = await w.cluster.autoscalers.getAutoscaler('shop', 'web');
    assert.deepEqual([hpa?.minReplicas, hpa?.maxReplicas, ours(hpa)], [2, 10, []]);
  });

  it('blue-green holds the idle colour until the switch and the old colour until retire', async () => {
    const w = blueGreenWorld('10m');
    w.cluster.autoscalers.add('shop', 'web-blue', 'web-blue', { minReplicas: 2, maxReplicas: 10 });
    w.cluster.autoscalers.add('shop', 'web-green', 'web-green', { minReplicas: 1, maxReplicas: 10 });
    const seen = recordPins(w);
    const outcome = await deploy(w.context(), { image: 'web:1.1', confirmed: true });
    assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
    // green pinned at 3 while still at 1, blue pinned at its 3 before the switch, green freed after it.
    assert.deepEqual(seen, ['3-10 at 1', '3-10 at 3', '1-10 at 3 restore']);
    const blue = await w.cluster.autoscalers.getAutoscaler('shop', 'web-blue');
    assert.equal(blue?.annotations['hotfix-deployer.io/bounds-before'], '{"minReplicas":2,"maxReplicas":10}');
    const retired = await retireOldColour(w.context(), { now: true, confirmed: true });
    assert.equal(retired.kind, 'retired', JSON.stringify(retired));
    assert.deepEqual(seen.slice(3), ['2-10 at 0 restore']);
    const after = await w.cluster.autoscalers.getAutoscaler('shop', 'web-blue');
    assert.deepEqual([after?.minReplicas, ours(after)], [2, []]);
  });

  it('refuses a Deployment that two HPAs scale, before writing anything', async () => {
    const w = canaryWorld();
    w.cluster.autoscalers.add('shop', 'web-a', 'web', { maxReplicas: 5 });
    w.cluster.autoscalers.add('shop', 'web-b', 'web', { maxReplicas: 5 });
    const outcome = await deploy(w.context(), { image: 'web:1.1' });
    assert.equal(outcome.kind, 'refused', JSON.stringify(outcome));
    assert.match(outcome.kind === 'refused' ? outcome.reason : '', /scale target of 2 HorizontalPodAutoscalers \(web-a, web-b\)/);
  });
});
