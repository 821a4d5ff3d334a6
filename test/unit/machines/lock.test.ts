import assert from 'node:assert/strict';
import { continueDeploy, deploy } from '../../../src/core/deploy/deploy';
import { acquireLock, isLockLost, LOCK_DURATION_SECONDS, lockName, type DeployLock, type LockHolder } from '../../../src/core/deploy/lock';
import type { Cluster } from '../../../src/core/deploy/ports';
import { KillSwitch } from '../fakes/kill-switch';
import { rollingWorld, type ClusterWorld } from './cluster-world';
import { assertAllRecovered, everyKillPoint, uninterrupted, type Machine } from './kill-points';

const ADA: LockHolder = { holder: 'Ada Oncall <ada@example.com> on laptop-7 (pid 4242)', operation: 'op-ada' };
const BOB: LockHolder = { holder: 'Bob Oncall <bob@example.com> on laptop-9 (pid 99)', operation: 'op-bob' };
const LEASE = `shop/${lockName('web')}`;
const EXPIRY_MS = LOCK_DURATION_SECONDS * 1000;

async function take(w: ClusterWorld, who: LockHolder, kill = new KillSwitch(), cluster?: Cluster): Promise<DeployLock> {
  const ctx = w.context(kill);
  const lock = await acquireLock(cluster ?? ctx.cluster, ctx.clock, 'shop', 'web', who);
  kill.check();
  assert.ok(lock.ok, JSON.stringify(lock));
  return lock.value;
}

async function refused(w: ClusterWorld, who: LockHolder, cluster?: Cluster): Promise<string> {
  const ctx = w.context();
  const lock = await acquireLock(cluster ?? ctx.cluster, ctx.clock, 'shop', 'web', who);
  assert.ok(!lock.ok, 'the lock was taken');
  return lock.reason;
}

/** Ada's operation: take the lock, hold it through two 20 s waits (renewing it), release it. */
async function hold(w: ClusterWorld, kill: KillSwitch): Promise<void> {
  const lock = await take(w, ADA, kill);
  const clock = w.clock.port(kill);
  for (let i = 0; i < 2; i++) {
    await clock.sleep(20_000);
    await lock.renew();
  }
  await lock.release();
}

/** After a kill: Ada's operation resumes (it takes its own lock back at once) or Bob's waits out the expiry. */
function machine(recoverAs: 'same operation' | 'another operation'): Machine<ClusterWorld> {
  return {
    world: rollingWorld,
    run: hold,
    recover: async (w) => {
      if (recoverAs === 'same operation') return (await take(w, ADA)).release();
      if (w.cluster.leases.held(w.clock.now()).length > 0) {
        await refused(w, BOB);
        w.clock.advance(EXPIRY_MS + 1);
      }
      return (await take(w, BOB)).release();
    },
    snapshot: (w) => ({ leases: w.cluster.leases.all() }),
  };
}

describe('machines: the deploy lock (a Lease)', function () {
  this.timeout(10_000);

  it('uninterrupted: created, renewed twice, deleted', async () => {
    const { world: w, kill } = await uninterrupted(machine('same operation'));
    assert.deepEqual(kill.log, ['cluster.createLease', 'cluster.replaceLease', 'cluster.replaceLease', 'cluster.deleteLease']);
    assert.deepEqual(w.cluster.leases.all(), []);
  });

  it('every kill point: the same operation takes its lock back at once and releases it', async () => {
    assertAllRecovered(await everyKillPoint(machine('same operation')));
  });

  it('every kill point: another operation is refused until the lease expires, then takes it over and releases it', async () => {
    assertAllRecovered(await everyKillPoint(machine('another operation')));
  });

  it('names its holder and target, and refuses another operation while it is renewed', async () => {
    const w = rollingWorld();
    const lock = await take(w, ADA);
    const [lease] = w.cluster.leases.all();
    assert.deepEqual({ name: lease?.name, holder: lease?.holder, operation: lease?.operation, durationSeconds: lease?.durationSeconds }, { name: LEASE, holder: ADA.holder, operation: ADA.operation, durationSeconds: LOCK_DURATION_SECONDS });
    assert.match(await refused(w, BOB), /Ada Oncall/);
    w.clock.advance(EXPIRY_MS - 10_000);
    await lock.renew();
    w.clock.advance(EXPIRY_MS - 10_000);
    await refused(w, BOB); // 50 s after the renewal, though 100 s after it was taken
    w.clock.advance(10_001);
    const bobs = await take(w, BOB);
    assert.equal(w.cluster.leases.all()[0]?.operation, BOB.operation, 'taken over after expiry');
    await bobs.release();
    assert.deepEqual(w.cluster.leases.all(), []);
  });

  it('a holder whose lock was taken over stops: renew throws LockLost, and its release leaves the new lease alone', async () => {
    const w = rollingWorld();
    const adas = await take(w, ADA);
    w.clock.advance(EXPIRY_MS + 1);
    await take(w, BOB);
    await assert.rejects(adas.renew(), (error) => isLockLost(error));
    await adas.release();
    assert.equal(w.cluster.leases.all()[0]?.operation, BOB.operation);
  });

  it('a lease released between the refused create and the read: the lock is taken on a second try', async () => {
    const w = rollingWorld();
    await take(w, BOB);
    const port = w.cluster.port(new KillSwitch());
    let reads = 0;
    const releasing: Cluster = Object.create(port) as Cluster;
    Object.assign(releasing, {
      getLease: (namespace: string, name: string) => {
        if (reads++ === 0) w.cluster.leases.delete(namespace, name, w.cluster.leases.get(namespace, name)?.resourceVersion ?? '');
        return port.getLease(namespace, name);
      },
    });
    await (await take(w, ADA, new KillSwitch(), releasing)).release();
    assert.equal(reads, 1);
    assert.deepEqual(w.cluster.leases.all(), []);
  });

  it('two operations taking over one expired lease at once: one wins, the other is refused', async () => {
    const w = rollingWorld();
    await take(w, { holder: 'a crashed process', operation: 'op-dead' });
    w.clock.advance(EXPIRY_MS + 1);
    const port = w.cluster.port(new KillSwitch());
    const racing: Cluster = Object.create(port) as Cluster;
    Object.assign(racing, {
      replaceLease: async (...args: Parameters<Cluster['replaceLease']>) => {
        await take(w, BOB); // Bob replaces it between Ada's read and Ada's write
        return port.replaceLease(...args);
      },
    });
    await refused(w, ADA, racing);
    assert.equal(w.cluster.leases.all()[0]?.operation, BOB.operation);
  });

  it('a deploy while another operation holds the lock is refused, changes nothing and is saved as failed', async () => {
    const w = rollingWorld();
    await take(w, BOB);
    const outcome = await deploy(w.context(), { image: 'web:1.1', confirmed: true });
    assert.equal(outcome.kind, 'refused', JSON.stringify(outcome));
    assert.deepEqual(w.cluster.deployment('web')?.containers.map((c) => c.image), ['web:1.0']);
    assert.equal(w.last()?.outcome, 'failed');
    assert.equal(w.cluster.leases.all()[0]?.operation, BOB.operation, "Bob's lock is untouched");
  });

  it('deploy --continue after a kill takes the dead process\'s lock back at once: it is the same operation', async () => {
    const w = rollingWorld();
    const kill = new KillSwitch(3); // the state, its audit record, then the lock: killed before `lock` is saved done
    await deploy(w.context(kill), { image: 'web:1.1', confirmed: true }).catch(() => undefined);
    assert.equal(w.cluster.leases.held(w.clock.now()).length, 1);
    const outcome = await continueDeploy(w.context(), true);
    assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
    assert.deepEqual(w.cluster.leases.all(), []);
  });
});
