import assert from 'node:assert/strict';
import { deploy } from '../../../src/core/deploy/deploy';
import { abortCanary, rollback, type RollbackInput, type RollbackOutcome } from '../../../src/core/deploy/rollback';
import { resumable, rollbackKey, type RollbackState } from '../../../src/core/deploy/rollback-state';
import type { DeployState } from '../../../src/core/deploy/state';
import { LOCK_DURATION_SECONDS } from '../../../src/core/deploy/lock';
import type { DeployContext } from '../../../src/core/deploy/context';
import { KillSwitch } from '../fakes/kill-switch';
import { blueGreenWorld, cancelledCanary, canaryWorld, rollingWorld, type ClusterWorld } from './cluster-world';
import { assertAllRecovered, everyKillPoint, uninterrupted, type Machine } from './kill-points';

const INPUT = { image: 'web:1.1', confirmed: true };

/** A world where web:1.1 was deployed, uninterrupted, by an earlier process. */
async function deployed(world: ClusterWorld): Promise<ClusterWorld> {
  const outcome = await deploy(world.context(), INPUT);
  assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
  return world;
}

type Operation = (ctx: DeployContext, input: RollbackInput) => Promise<RollbackOutcome>;

const rollingBack = (w: ClusterWorld, kill = new KillSwitch(), operation: Operation = rollback) => operation(w.context(kill), { confirmed: true });

/**
 * rollback (or abortCanary); after a kill, the person runs it again, which must end as the
 * uninterrupted run did, with the saved rollback finished. A run killed after it saved the rollback
 * takes its lock back at once (the same operation); one killed before (a fresh operation id when no
 * deploy is unfinished) left a lock that holds until it expires: the person waits that out.
 */
function machine(world: () => Promise<ClusterWorld>, operation: Operation = rollback): Machine<ClusterWorld> {
  const check = (o: RollbackOutcome) => assert.equal(o.kind, 'rolled-back', JSON.stringify(o));
  return {
    world,
    run: async (w, kill) => {
      const outcome = await rollingBack(w, kill, operation);
      kill.check();
      check(outcome);
    },
    killed: (w) => w.killed(),
    recover: async (w) => {
      let outcome = await rollingBack(w, undefined, operation);
      if (outcome.kind === 'refused' && w.cluster.leases.held(w.clock.now()).length > 0) {
        w.clock.advance((LOCK_DURATION_SECONDS + 1) * 1000);
        outcome = await rollingBack(w, undefined, operation);
      }
      check(outcome);
      assert.ok(savedRollback(w)?.finishedAt, 'the saved rollback is finished');
    },
    snapshot: (w) => w.snapshot(),
  };
}

const savedRollback = (w: ClusterWorld) => w.store.peek<RollbackState>(rollbackKey(w.target.name));

/** A rolling deploy of web:1.1 the person cancelled (Ctrl-C) while it rolled out: unfinished, stopped at rollout. */
async function stoppedRolling(): Promise<ClusterWorld> {
  const w = rollingWorld();
  const cancel = new AbortController();
  const outcome = await deploy(w.context(new KillSwitch(), { signal: cancel.signal, progress: (m) => (/observe the new spec/.test(m) ? cancel.abort() : undefined) }), INPUT);
  assert.equal(outcome.kind, 'stopped', JSON.stringify(outcome));
  return w;
}

/** Kills `operation` after its `n`th mutating call; the lock it left expires. */
async function killedAfter(w: ClusterWorld, n: number, operation: Operation = rollback): Promise<readonly string[]> {
  const kill = new KillSwitch(n);
  await operation(w.context(kill), { confirmed: true }).catch(() => undefined);
  assert.ok(kill.dead, kill.log.join(', '));
  w.clock.advance((LOCK_DURATION_SECONDS + 1) * 1000);
  return kill.log;
}

const images = (w: ClusterWorld, name: string) => w.cluster.deployment(name)?.containers.map((c) => c.image);

describe('rollback state: which saved rollback a run continues', () => {
  const plan = { kind: 'undo', deployment: 'web', from: { replicaSet: 'web-b', revision: 2, images: ['web:1.1'] }, to: { replicaSet: 'web-a', revision: 1, images: ['web:1.0'] } } as const;
  const saved: RollbackState = { version: 1, id: 'op-1', target: 'web', context: 'kind-hotfix', namespace: 'shop', of: 'deploy-1', startedAt: '2025-03-04T10:00:00.000Z', actor: 'Ada', plan };
  const last = { id: 'deploy-1', finishedAt: '2025-03-04T09:00:00.000Z', outcome: 'deployed' } as DeployState;
  const request = { target: 'web', context: 'kind-hotfix', namespace: 'shop', kinds: ['undo'] as const };

  it('continues only an unfinished one, of the same target, cluster, namespace and deploy, and of a kind this run makes', () => {
    assert.equal(resumable(saved, last, request), saved);
    assert.equal(resumable(undefined, last, request), undefined);
    assert.equal(resumable({ ...saved, finishedAt: '2025-03-04T10:01:00.000Z' }, last, request), undefined, 'a finished one: twice on purpose goes back twice');
    assert.equal(resumable(saved, last, { ...request, context: 'prod' }), undefined);
    assert.equal(resumable(saved, last, { ...request, namespace: 'other' }), undefined);
    assert.equal(resumable(saved, { ...last, id: 'deploy-2' }, request), undefined, 'a deploy since makes it stale');
    assert.equal(resumable(saved, last, { ...request, kinds: ['switch'] }), undefined, 'the strategy changed');
  });

  it('asked for a revision: continues it only when that is the revision it was going to', () => {
    assert.equal(resumable(saved, last, { ...request, toRevision: 1 }), saved);
    assert.equal(resumable(saved, last, { ...request, toRevision: 2 }), undefined);
  });

  it('an abort is moot once its canary deploy ended otherwise than rolled back', () => {
    const abort: RollbackState = { ...saved, plan: { kind: 'abort', image: 'web:1.1' } };
    const kinds = ['undo', 'abort'] as const;
    assert.equal(resumable(abort, { ...last, finishedAt: undefined }, { ...request, kinds }), abort);
    assert.equal(resumable(abort, { ...last, outcome: 'rolled-back' }, { ...request, kinds }), abort);
    assert.equal(resumable(abort, last, { ...request, kinds }), undefined);
  });
});

describe('machines: rollback, killed at every step and run again', function () {
  this.timeout(10_000);

  describe('rolling (rollout undo)', () => {
    const undo = machine(() => deployed(rollingWorld()));

    it('uninterrupted: back to the template of revision 1, which becomes revision 3', async () => {
      const { world: w } = await uninterrupted(undo);
      assert.deepEqual(w.cluster.deployment('web')?.containers.map((c) => c.image), ['web:1.0']);
      assert.deepEqual(w.cluster.history('web'), ['2:web:1.1', '3:web:1.0']);
      assert.deepEqual(w.cluster.leases.all(), []);
    });

    it('every kill point, before or after its write: rollback again continues the saved rollback and ends the same', async () => {
      const report = await everyKillPoint(undo);
      assert.deepEqual(report.calls.slice(0, 3), ['cluster.createLease', 'store.write', 'cluster.replaceTemplate'], 'the rollback is saved before its write');
      assertAllRecovered(report);
    });

    it('read beside the lock request; a writer landing before its write is caught (409), read again under the lock, and undone from there', async () => {
      const w = await deployed(rollingWorld());
      const ctx = w.context();
      let landed = false;
      // Someone deploys web:1.2 while the lock request is on its way: after the rollback read the Deployment.
      const cluster = new Proxy(ctx.cluster, {
        get: (target, key): unknown => {
          if (key !== 'createLease') return Reflect.get(target, key) as unknown;
          return async (...args: Parameters<typeof target.createLease>) => {
            if (!landed) {
              landed = true;
              await target.setImages('shop', 'web', { images: { app: 'web:1.2' }, annotations: {} }, { dryRun: false });
            }
            return target.createLease(...args);
          };
        },
      });
      const outcome = await rollback({ ...ctx, cluster }, { confirmed: true });
      assert.equal(outcome.kind, 'rolled-back', JSON.stringify(outcome));
      assert.match(outcome.kind === 'rolled-back' ? outcome.message : '', /^rolled web back from revision 3 to the template of revision 2 \(web:1\.1\)/);
      assert.deepEqual(images(w, 'web'), ['web:1.1'], 'the version before the one now running, not the one before the stale read');
      assert.deepEqual(w.cluster.history('web'), ['1:web:1.0', '3:web:1.2', '4:web:1.1']);
      assert.deepEqual(w.cluster.leases.all(), []);
    });

    it('a Deployment whose status keeps changing (a rollout in progress) is still rolled back: the third write has no condition', async () => {
      const w = await deployed(rollingWorld());
      const ctx = w.context();
      let swaps = 0;
      // Its controller writes the status again just before each conditional write.
      const cluster = new Proxy(ctx.cluster, {
        get: (target, key): unknown => {
          if (key !== 'replaceTemplate') return Reflect.get(target, key) as unknown;
          return (...args: Parameters<typeof target.replaceTemplate>) => {
            if (args[5] !== undefined) {
              swaps += 1;
              w.cluster.settleAll();
            }
            return target.replaceTemplate(...args);
          };
        },
      });
      const outcome = await rollback({ ...ctx, cluster }, { confirmed: true });
      assert.equal(outcome.kind, 'rolled-back', JSON.stringify(outcome));
      assert.equal(swaps, 2, 'two compare-and-swaps refused, then one write without');
      assert.deepEqual(images(w, 'web'), ['web:1.0']);
    });

    it('right after a deploy its controller has not caught up with: back to the version running, not one further', async () => {
      const w = await deployed(rollingWorld());
      // web:1.2 is written, and the controller has made no ReplicaSet for it yet: the Deployment's
      // revision annotation still says 2 (web:1.1), as it does for a few milliseconds on a real cluster.
      w.cluster.deployments.controllerLag = true;
      await w.cluster.setImages('shop', 'web', { images: { app: 'web:1.2' }, annotations: {} }, { dryRun: false });
      assert.deepEqual(w.cluster.history('web'), ['1:web:1.0', '2:web:1.1']);
      const outcome = await rollback(w.context(), { confirmed: true, immediate: true });
      assert.equal(outcome.kind, 'rolled-back', JSON.stringify(outcome));
      assert.match(outcome.kind === 'rolled-back' ? outcome.message : '', /^rolled web back from web:1\.2 \(not rolled out yet\) to the template of revision 2 \(web:1\.1\)/);
      assert.deepEqual(images(w, 'web'), ['web:1.1'], 'the version that ran before the deploy, not the one before that');
      w.cluster.deployments.controllerLag = false;
      w.cluster.settleAll();
      assert.deepEqual(w.cluster.history('web'), ['1:web:1.0', '2:web:1.1'], 'web:1.2 never got a ReplicaSet: nothing ran it');
    });

    it('paused mid-rollout (kubectl rollout pause): the undo resumes it in the same write, so the old version rolls out', async () => {
      const w = await deployed(rollingWorld());
      w.cluster.rolloutPolls = 5;
      await w.cluster.setImages('shop', 'web', { images: { app: 'web:1.2' }, annotations: {} }, { dryRun: false });
      w.cluster.deployments.pause('web');
      const outcome = await rollback(w.context(), { confirmed: true });
      assert.equal(outcome.kind, 'rolled-back', JSON.stringify(outcome));
      assert.match(outcome.kind === 'rolled-back' ? outcome.message : '', /^rolled web back from revision 3 to the template of revision 2 \(web:1\.1\); it was paused and is resumed; /);
      assert.equal(w.cluster.deployment('web')?.paused, undefined, 'resumed');
      assert.deepEqual(images(w, 'web'), ['web:1.1']);
      assert.deepEqual(w.cluster.history('web'), ['1:web:1.0', '3:web:1.2', '4:web:1.1']);
    });

    it('paused before a template change, which never rolled out: back to the version running, resumed, and no ReplicaSet made', async () => {
      const w = await deployed(rollingWorld());
      w.cluster.deployments.pause('web');
      await w.cluster.setImages('shop', 'web', { images: { app: 'web:1.2' }, annotations: {} }, { dryRun: false });
      const outcome = await rollback(w.context(), { confirmed: true, immediate: true });
      assert.equal(outcome.kind, 'rolled-back', JSON.stringify(outcome));
      assert.match(outcome.kind === 'rolled-back' ? outcome.message : '', /^rolled web back from web:1\.2 \(not rolled out yet\) to the template of revision 2 \(web:1\.1\); it was paused and is resumed/);
      assert.deepEqual(images(w, 'web'), ['web:1.1']);
      w.cluster.settleAll();
      assert.deepEqual(w.cluster.history('web'), ['1:web:1.0', '2:web:1.1']);
    });

    it('to the revision it already runs: skipped as kubectl skips it, nothing written', async () => {
      const w = await deployed(rollingWorld());
      const outcome = await rollback(w.context(), { confirmed: true, toRevision: 2, immediate: true });
      assert.equal(outcome.kind, 'rolled-back', JSON.stringify(outcome));
      assert.equal(outcome.kind === 'rolled-back' ? outcome.message : '', 'skipped: web already has the template of revision 2 (web:1.1), so nothing was written');
      assert.deepEqual(w.cluster.history('web'), ['1:web:1.0', '2:web:1.1']);
      assert.deepEqual(w.cluster.leases.all(), []);
    });

    it("someone's kubectl rollout undo on its way (not rolled out yet): skipped, not one revision further back", async () => {
      const w = await deployed(rollingWorld());
      w.cluster.deployments.controllerLag = true;
      const rs1 = w.cluster.deployments.replicaSets('web')[0];
      assert.ok(rs1);
      const current = w.cluster.deployment('web');
      await w.cluster.replaceTemplate('shop', 'web', rs1.template, current?.annotations ?? {}, { dryRun: false });
      const outcome = await rollback(w.context(), { confirmed: true, immediate: true });
      assert.equal(outcome.kind, 'rolled-back', JSON.stringify(outcome));
      assert.equal(outcome.kind === 'rolled-back' ? outcome.message : '', 'skipped: web already has the template of revision 1 (web:1.0), so nothing was written; the rollout continues in the cluster');
      assert.deepEqual(images(w, 'web'), ['web:1.0']);
    });

    it("someone's undo made while paused: not skipped, the same template written with the resume, so it rolls out", async () => {
      const w = await deployed(rollingWorld());
      w.cluster.deployments.pause('web');
      const rs1 = w.cluster.deployments.replicaSets('web')[0];
      assert.ok(rs1);
      await w.cluster.replaceTemplate('shop', 'web', rs1.template, w.cluster.deployment('web')?.annotations ?? {}, { dryRun: false });
      const outcome = await rollback(w.context(), { confirmed: true, immediate: true });
      assert.equal(outcome.kind, 'rolled-back', JSON.stringify(outcome));
      assert.match(outcome.kind === 'rolled-back' ? outcome.message : '', /^rolled web back from revision 2 to the template of revision 1 \(web:1\.0\); it was paused and is resumed/);
      assert.equal(w.cluster.deployment('web')?.paused, undefined, 'resumed');
      w.cluster.settleAll();
      assert.deepEqual(w.cluster.history('web'), ['2:web:1.1', '3:web:1.0'], 'web:1.0 rolled out');
    });

    it('killed after its write, before the controller made it the current revision: run again, it continues (no second write)', async () => {
      const w = await deployed(rollingWorld());
      w.cluster.deployments.controllerLag = true;
      const log = await killedAfter(w, 3);
      assert.equal(log.at(-1), 'cluster.replaceTemplate');
      const ran = new KillSwitch();
      const outcome = await rollback(w.context(ran), { confirmed: true, immediate: true });
      assert.equal(outcome.kind, 'rolled-back', JSON.stringify(outcome));
      assert.match(outcome.kind === 'rolled-back' ? outcome.message : '', /^continued an interrupted rollback: rolled web back from revision 2 to the template of revision 1 \(web:1\.0\)/);
      assert.ok(!ran.log.includes('cluster.replaceTemplate'), ran.log.join(', '));
      w.cluster.deployments.controllerLag = false;
      w.cluster.settleAll();
      assert.deepEqual(w.cluster.history('web'), ['2:web:1.1', '3:web:1.0']);
    });

    it('twice on purpose, each to the end: the second goes back one more revision (rollout undo), the bad version with it', async () => {
      const w = await deployed(rollingWorld());
      for (const _ of [1, 2]) assert.equal((await rollingBack(w)).kind, 'rolled-back');
      assert.deepEqual(images(w, 'web'), ['web:1.1']);
      assert.deepEqual(w.cluster.history('web'), ['3:web:1.0', '4:web:1.1']);
    });

    it('killed after its write and run again with the same revision asked for: continues it (the revision it named was renumbered)', async () => {
      const w = await deployed(rollingWorld());
      const ran = await killedAfter(w, 3, (ctx) => rollback(ctx, { toRevision: 1, confirmed: true }));
      assert.equal(ran.at(-1), 'cluster.replaceTemplate');
      const again = await rollback(w.context(), { toRevision: 1, confirmed: true });
      assert.equal(again.kind, 'rolled-back', JSON.stringify(again));
      assert.match(again.kind === 'rolled-back' ? again.message : '', /^continued an interrupted rollback: rolled web back from revision 2 to the template of revision 1 \(web:1\.0\)/);
      assert.deepEqual(w.cluster.history('web'), ['2:web:1.1', '3:web:1.0']);
    });

    it('an unfinished rollback with a deploy since is stale: the next rollback undoes that deploy instead', async () => {
      const w = await deployed(rollingWorld());
      await killedAfter(w, 2); // saved, not written
      assert.equal(savedRollback(w)?.finishedAt, undefined);
      assert.equal((await deploy(w.context(), { image: 'web:1.2', confirmed: true })).kind, 'deployed');
      assert.equal((await rollingBack(w)).kind, 'rolled-back');
      assert.deepEqual(images(w, 'web'), ['web:1.1']);
    });

    it('of an unfinished (cancelled) deploy, every kill point: rollback again ends with web:1.0 and the deploy rolled back', async () => {
      const unfinished = machine(stoppedRolling);
      const { world: w } = await uninterrupted(unfinished);
      assert.deepEqual(images(w, 'web'), ['web:1.0']);
      assert.equal(w.last()?.outcome, 'rolled-back');
      assertAllRecovered(await everyKillPoint(unfinished));
    });
  });

  describe('blue-green (switch back)', () => {
    const kept = machine(() => deployed(blueGreenWorld('10m')));
    const retired = machine(() => deployed(blueGreenWorld('0s')));

    it('uninterrupted, blue kept: the Service selects blue again in one write', async () => {
      const { world: w, kill } = await uninterrupted(kept);
      assert.deepEqual(w.cluster.service('web')?.selector, { app: 'web', colour: 'blue' });
      // One local write before the switch (what it switches to), and one after the lock is released
      // (finished); the lock goes back as the audit line is written, not after it.
      assert.deepEqual(kill.log, ['cluster.createLease', 'store.write', 'cluster.setServiceSelector', 'cluster.deleteLease', 'audit.append', 'store.write']);
    });

    it('uninterrupted, blue retired: blue is scaled up and waited for before the switch', async () => {
      const { world: w, kill } = await uninterrupted(retired);
      assert.deepEqual(w.cluster.service('web')?.selector, { app: 'web', colour: 'blue' });
      assert.equal(w.cluster.deployment('web-blue')?.replicas, 3);
      assert.ok(kill.log.indexOf('cluster.scale') < kill.log.indexOf('cluster.setServiceSelector'), kill.log.join(', '));
    });

    it('every kill point, before or after the switch (and the scale-up): rollback again ends on blue', async () => {
      assertAllRecovered(await everyKillPoint(kept));
      const report = await everyKillPoint(retired);
      assert.ok(report.calls.indexOf('store.write') < report.calls.indexOf('cluster.scale'), `the rollback is saved before its first write: ${report.calls.join(', ')}`);
      assertAllRecovered(report);
    });

    it('twice on purpose, each to the end: the second switches to green again', async () => {
      const w = await deployed(blueGreenWorld('10m'));
      for (const _ of [1, 2]) assert.equal((await rollingBack(w)).kind, 'rolled-back');
      assert.deepEqual(w.cluster.service('web')?.selector, { app: 'web', colour: 'green' });
    });

    it('killed after the switch and run again: no second write, and it says the switch had landed', async () => {
      const w = await deployed(blueGreenWorld('10m'));
      assert.equal((await killedAfter(w, 3)).at(-1), 'cluster.setServiceSelector');
      const kill = new KillSwitch();
      const again = await rollback(w.context(kill), { confirmed: true });
      assert.equal(again.kind, 'rolled-back', JSON.stringify(again));
      assert.match(again.kind === 'rolled-back' ? again.message : '', /^continued an interrupted rollback: Service web selects blue \(web:1\.0\), switched back from green/);
      assert.ok(!kill.log.includes('cluster.setServiceSelector'), kill.log.join(', '));
      assert.deepEqual(w.cluster.service('web')?.selector, { app: 'web', colour: 'blue' });
    });

    it('an unfinished switch with a deploy since is stale: the next rollback switches away from that deploy', async () => {
      const w = await deployed(blueGreenWorld('10m'));
      await killedAfter(w, 2); // saved (back to blue), not switched
      assert.equal((await deploy(w.context(), { image: 'web:1.2', confirmed: true })).kind, 'deployed');
      assert.deepEqual(w.cluster.service('web')?.selector, { app: 'web', colour: 'blue' });
      assert.equal((await rollingBack(w)).kind, 'rolled-back');
      assert.deepEqual(w.cluster.service('web')?.selector, { app: 'web', colour: 'green' });
      assert.deepEqual(images(w, 'web-green'), ['web:1.1']);
    });
  });

  describe('canary', () => {
    const abort = machine(cancelledCanary);

    it('uninterrupted, of a cancelled canary: stable back to 4 first, then the canary to 0; the deploy ends rolled back', async () => {
      const before = await cancelledCanary();
      assert.equal(before.cluster.deployment('web')?.replicas, 3, 'the cancelled canary left stable at 3');
      assert.equal(before.cluster.deployment('web-canary')?.replicas, 2);
      const { world: w, kill } = await uninterrupted(abort);
      assert.equal(w.cluster.deployment('web')?.replicas, 4);
      assert.deepEqual(w.cluster.deployment('web')?.containers.map((c) => c.image), ['web:1.0']);
      assert.equal(w.cluster.deployment('web-canary')?.replicas, 0);
      assert.equal(w.last()?.outcome, 'rolled-back');
      const scales = kill.log.filter((c) => c === 'cluster.scale');
      assert.equal(scales.length, 2, kill.log.join(', '));
    });

    it('of a cancelled canary, every kill point: rollback again (the same operation takes its lock back) ends the same', async () => {
      assertAllRecovered(await everyKillPoint(abort));
    });

    it('abortCanary, every kill point (also after the deploy was saved as rolled back): abortCanary again ends the same', async () => {
      assertAllRecovered(await everyKillPoint(machine(cancelledCanary, abortCanary)));
    });

    it('of a promoted canary: undo stable as rolling does; every kill point, before or after the write, ends the same', async () => {
      const promoted = machine(() => deployed(canaryWorld('replicas')));
      const { world: w } = await uninterrupted(promoted);
      assert.deepEqual(w.cluster.deployment('web')?.containers.map((c) => c.image), ['web:1.0']);
      assert.equal(w.cluster.deployment('web-canary')?.replicas, 0);
      assertAllRecovered(await everyKillPoint(promoted));
    });
  });
});
