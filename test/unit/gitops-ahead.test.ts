// The GitOps owners read ahead, beside the Argo Rollouts check (src/app/gitops-guard.ts): the guard
// uses that read when it is of the objects it would read and fresh, and reads again otherwise, so an
// answer to a question (a confirmation, an incident to link) never leaves it with an old picture.
// A fake cluster (the in-memory one, counting its reads) and a manual clock: what is counted is
// which reads go to the cluster, not how long they take.

import assert from 'node:assert/strict';
import type { OpenDeploy } from '../../src/adapters/deploy-workspace';
import type { AppEnv } from '../../src/app/env';
import { guardGitops, readOwnersAhead } from '../../src/app/gitops-guard';
import { silentInteraction } from '../../src/app/interaction';
import { resolveTarget } from '../../src/core/config/targets';
import type { DeployContext } from '../../src/core/deploy/context';
import type { DeploymentView, ServiceView } from '../../src/core/deploy/ports';
import { MemoryAudit } from './fakes/memory-audit';
import { MemoryCluster } from './fakes/memory-cluster';
import { ManualClock } from './fakes/manual-clock';
import { MemoryStore } from './fakes/memory-store';

class CountingCluster extends MemoryCluster {
  reads = 0;
  override getDeployment(namespace: string, name: string): Promise<DeploymentView | undefined> {
    this.reads += 1;
    return super.getDeployment(namespace, name);
  }
  override getService(namespace: string, name: string): Promise<ServiceView | undefined> {
    this.reads += 1;
    return super.getService(namespace, name);
  }
}

describe('gitops guard: the owners read ahead (fake cluster, manual clock)', () => {
  const setUp = (strategy: 'rolling' | 'blue-green' = 'rolling') => {
    const cluster = new CountingCluster();
    const clock = new ManualClock();
    const target = resolveTarget({ targets: { prod: { namespace: 'shop', app: 'web', strategy } } }, 'prod');
    assert.ok(target.ok);
    const ctx: DeployContext = { cluster, clock, store: new MemoryStore(), audit: new MemoryAudit(), target: target.value, actor: 'Ada', origin: 'test' };
    // What the guard uses of an environment and an opened target when nothing claims the target.
    const env = { interaction: silentInteraction() } as unknown as AppEnv;
    const opened = { context: ctx, target: target.value } as unknown as OpenDeploy;
    const guard = (ahead?: ReturnType<typeof readOwnersAhead>, at: DeployContext = ctx) =>
      guardGitops(env, opened, { verb: 'rolling back', button: 'Roll Back', again: { operation: 'rollback', options: { target: 'prod' } }, ctx: at, ...(ahead ? { ahead } : {}) });
    return { cluster, clock, ctx, guard };
  };

  it('uses the read made beside the Argo Rollouts check: the Deployment and the Service once', async () => {
    const { cluster, ctx, guard } = setUp();
    const ahead = readOwnersAhead(ctx);
    assert.equal(cluster.reads, 2);
    assert.deepEqual(await guard(ahead), []);
    assert.equal(cluster.reads, 2, 'no second read');
  });

  it('reads again when more than two seconds went by (a question answered meanwhile)', async () => {
    const { cluster, clock, ctx, guard } = setUp();
    const ahead = readOwnersAhead(ctx);
    clock.advance(2001);
    assert.deepEqual(await guard(ahead), []);
    assert.equal(cluster.reads, 4);
  });

  it('reads again when the target to guard has other objects than the read (blue-green: both colours)', async () => {
    const { cluster, ctx, guard } = setUp();
    const ahead = readOwnersAhead(ctx);
    const blueGreen = setUp('blue-green').ctx;
    assert.deepEqual(await guard(ahead, { ...ctx, target: blueGreen.target }), []);
    assert.equal(cluster.reads, 2 + 3, 'web-blue, web-green and the Service');
  });
});
