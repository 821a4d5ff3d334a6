import assert from 'node:assert/strict';
import { continueDeploy, deploy, promoteCanary, type DeployOutcome } from '../../../src/core/deploy/deploy';
import { LOCK_DURATION_SECONDS } from '../../../src/core/deploy/lock';
import { retireOldColour } from '../../../src/core/deploy/retire';
import { KillSwitch } from '../fakes/kill-switch';
import { blueGreenWorld, cancelledCanary, canaryWorld, rollingWorld, type ClusterWorld } from './cluster-world';
import { assertAllRecovered, everyKillPoint, uninterrupted, type Machine } from './kill-points';

const INPUT = { image: 'web:1.1', meta: { gitSha: 'f00dfeed', branch: 'hotfix/PROD-2847-null-coupon', incident: 'INC-7' }, confirmed: true };

/**
 * deploy; after a kill, the person runs deploy --continue if a deploy is unfinished, deploy again
 * if none was saved, nothing if it had finished. Either way it ends as `expected` says.
 */
function machine(world: () => ClusterWorld, expected: DeployOutcome['kind'] | readonly DeployOutcome['kind'][], image = INPUT.image): Machine<ClusterWorld> {
  const input = { ...INPUT, image };
  const kinds: readonly string[] = typeof expected === 'string' ? [expected] : expected;
  const check = (outcome: DeployOutcome) => assert.ok(kinds.includes(outcome.kind), JSON.stringify(outcome));
  return {
    world,
    run: async (w, kill) => {
      const outcome = await deploy(w.context(kill), input);
      kill.check();
      check(outcome);
    },
    killed: (w) => w.killed(),
    recover: async (w) => {
      const last = w.last();
      if (!last) check(await deploy(w.context(), input));
      else if (last.finishedAt === undefined) check(await continueDeploy(w.context(), true));
    },
    snapshot: (w) => w.snapshot(),
  };
}

const images = (w: ClusterWorld, name: string) => w.cluster.deployment(name)?.containers.map((c) => c.image);

describe('machines: deploy, killed at every step and continued', function () {
  this.timeout(10_000);

  describe('rolling', () => {
    const rolling = machine(rollingWorld, 'deployed');

    it('uninterrupted: web runs web:1.1 on a new revision, the lock is released', async () => {
      const { world: w, kill } = await uninterrupted(rolling);
      assert.deepEqual(images(w, 'web'), ['web:1.1']);
      assert.deepEqual(w.cluster.history('web'), ['1:web:1.0', '2:web:1.1']);
      assert.deepEqual(w.cluster.leases.all(), []);
      assert.equal(w.last()?.outcome, 'deployed');
      assert.deepEqual(w.last()?.done, ['lock', 'preflight', 'update', 'rollout', 'release']);
      assert.deepEqual(
        kill.log.filter((c) => c.includes('Lease')),
        ['cluster.createLease', 'cluster.replaceLease', 'cluster.deleteLease', 'cluster.deleteLease'],
        'taken, renewed during the rollout, released (and released again at the end, harmlessly)',
      );
    });

    it('every kill point: deploy --continue ends as the uninterrupted deploy', async () => {
      assertAllRecovered(await everyKillPoint(rolling));
    });

    it('to a paused Deployment (kubectl rollout pause): refused before any write, saying how to resume it', async () => {
      const w = rollingWorld();
      w.cluster.deployments.pause('web');
      const outcome = await deploy(w.context(), INPUT);
      assert.equal(outcome.kind, 'refused', JSON.stringify(outcome));
      assert.match(outcome.kind === 'refused' ? outcome.reason : '', /^Deployment shop\/web is paused \(kubectl rollout pause\)/);
      assert.match(outcome.kind === 'refused' ? outcome.hint ?? '' : '', /kubectl rollout resume deployment\/web -n shop/);
      assert.deepEqual(images(w, 'web'), ['web:1.0']);
      assert.deepEqual(w.cluster.history('web'), ['1:web:1.0']);
      assert.deepEqual(w.cluster.leases.all(), []);
    });

    it('a rollout that fails is rolled back; every kill point, continued, ends rolled back too', async () => {
      const broken = () => {
        const w = rollingWorld();
        w.cluster.brokenImages.add('web:1.1-broken');
        return w;
      };
      const failing = machine(broken, 'rolled-back', 'web:1.1-broken');
      const { world: w } = await uninterrupted(failing);
      assert.deepEqual(images(w, 'web'), ['web:1.0']);
      assert.equal(w.last()?.stopped?.step, 'rollout');
      assertAllRecovered(await everyKillPoint(failing));
    });
  });

  describe('blue-green', () => {
    const blueGreen = machine(blueGreenWorld, 'deployed');

    it('uninterrupted: green takes web:1.1 at 3 replicas, smoke passes, the Service switches, blue retires', async () => {
      const { world: w } = await uninterrupted(blueGreen);
      assert.deepEqual(images(w, 'web-green'), ['web:1.1']);
      assert.equal(w.cluster.deployment('web-green')?.replicas, 3);
      assert.deepEqual(w.cluster.service('web')?.selector, { app: 'web', colour: 'green' });
      assert.equal(w.cluster.deployment('web-blue')?.replicas, 0, 'keepOldFor: 0 scales the old colour down');
      assert.deepEqual(w.last()?.done, ['lock', 'preflight', 'update', 'rollout', 'smoke', 'switch', 'retire', 'release']);
      assert.deepEqual(w.cluster.leases.all(), []);
    });

    it('every kill point: deploy --continue ends as the uninterrupted deploy', async () => {
      assertAllRecovered(await everyKillPoint(blueGreen));
    });

    it('a failed smoke check keeps traffic on blue and puts green back; every kill point too', async () => {
      const smokeFails = () => {
        const w = blueGreenWorld();
        w.smokeFailures = Number.POSITIVE_INFINITY;
        return w;
      };
      const failing = machine(smokeFails, 'rolled-back');
      const { world: w } = await uninterrupted(failing);
      assert.deepEqual(w.cluster.service('web')?.selector, { app: 'web', colour: 'blue' });
      assert.deepEqual(images(w, 'web-green'), ['web:0.9']);
      assert.equal(w.cluster.deployment('web-green')?.replicas, 1);
      assertAllRecovered(await everyKillPoint(failing));
    });

    it('a failed rollout of green keeps traffic on blue; every kill point, continued, ends rolled back too', async () => {
      const broken = () => {
        const w = blueGreenWorld();
        w.cluster.brokenImages.add('web:1.1-broken');
        return w;
      };
      const failing = machine(broken, 'rolled-back', 'web:1.1-broken');
      const { world: w } = await uninterrupted(failing);
      assert.deepEqual(w.cluster.service('web')?.selector, { app: 'web', colour: 'blue' });
      assert.deepEqual(images(w, 'web-green'), ['web:0.9']);
      assertAllRecovered(await everyKillPoint(failing));
    });

    it('a smoke check that fails once, then passes: continued after any kill, traffic goes only to a colour running what the outcome says', async () => {
      const flaky = () => {
        const w = blueGreenWorld();
        w.smokeFailures = 1;
        return w;
      };
      // Killed before the restore changed anything, continuing runs the smoke check again and it
      // may pass: deployed is then right too. What must never be: traffic on a colour that runs
      // neither the new image (deployed) nor blue's (rolled back).
      const consistent = (w: ClusterWorld) => {
        const state = w.last();
        const live = w.cluster.service('web')?.selector['colour'];
        const runs = images(w, `web-${live ?? '?'}`);
        return { finished: state?.finishedAt !== undefined, leases: w.cluster.leases.all(), consistent: state?.outcome === 'deployed' ? live === 'green' && runs?.[0] === 'web:1.1' : live === 'blue' && runs?.[0] === 'web:1.0' };
      };
      const report = await everyKillPoint({ ...machine(flaky, ['rolled-back', 'deployed']), snapshot: consistent });
      assert.deepEqual(report.expected, { finished: true, leases: [], consistent: true });
      assertAllRecovered(report);
    });
  });

  describe('canary by replica ratio', () => {
    const canary = machine(() => canaryWorld('replicas'), 'deployed');

    it('uninterrupted: five steps judged, then promoted: web runs web:1.1 at 4, web-canary at 0', async () => {
      const { world: w, kill } = await uninterrupted(canary);
      assert.deepEqual(images(w, 'web'), ['web:1.1']);
      assert.equal(w.cluster.deployment('web')?.replicas, 4);
      assert.deepEqual(images(w, 'web-canary'), ['web:1.1']);
      assert.equal(w.cluster.deployment('web-canary')?.replicas, 0);
      assert.equal(w.last()?.canary?.phase, 'promoted');
      assert.deepEqual(w.last()?.canary?.verdicts?.map((v) => `${v.weight}:${v.verdict.pass}`), ['10:true', '25:true', '50:true', '75:true', '100:true']);
      assert.ok(kill.log.filter((c) => c === 'cluster.replaceLease').length >= 5, 'the lock is renewed during the pauses');
      assert.deepEqual(w.cluster.leases.all(), []);
    });

    it('every kill point: deploy --continue ends as the uninterrupted deploy', async () => {
      assertAllRecovered(await everyKillPoint(canary));
    });

    it('a gate that fails at 50% aborts the canary; every kill point, continued, ends aborted too', async () => {
      const failing = machine(() => canaryWorld('replicas', 50), 'rolled-back');
      const { world: w } = await uninterrupted(failing);
      assert.deepEqual(images(w, 'web'), ['web:1.0']);
      assert.equal(w.cluster.deployment('web')?.replicas, 4);
      assert.equal(w.cluster.deployment('web-canary')?.replicas, 0);
      assert.equal(w.last()?.stopped?.step, 'canary');
      assertAllRecovered(await everyKillPoint(failing));
    });
  });

  describe('continuing a cancelled canary', () => {
    // The person cancelled the canary while it shifted to its third step, then runs deploy --continue.
    const resume: Machine<ClusterWorld> = {
      world: cancelledCanary,
      run: async (w, kill) => {
        const outcome = await continueDeploy(w.context(kill), true);
        kill.check();
        assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
      },
      killed: (w) => w.killed(),
      recover: async (w) => {
        if (w.last()?.finishedAt === undefined) assert.equal((await continueDeploy(w.context(), true)).kind, 'deployed');
      },
      snapshot: (w) => w.snapshot(),
    };

    it('uninterrupted: resumes at 50% (its traffic half set), then 75%, 100%, promoted', async () => {
      const before = await cancelledCanary();
      assert.deepEqual({ index: before.last()?.canary?.index, phase: before.last()?.canary?.phase }, { index: 2, phase: 'shifting' });
      const { world: w } = await uninterrupted(resume);
      assert.deepEqual(images(w, 'web'), ['web:1.1']);
      assert.equal(w.cluster.deployment('web-canary')?.replicas, 0);
      assert.deepEqual(w.last()?.canary?.verdicts?.map((v) => v.weight), [10, 25, 50, 75, 100]);
    });

    it('every kill point: deploy --continue again ends the same', async () => {
      assertAllRecovered(await everyKillPoint(resume));
    });
  });

  describe('promoting a canary early', () => {
    // The person cancelled the canary at its third step, then promotes it; after a kill, deploy --continue.
    const promote: Machine<ClusterWorld> = {
      world: cancelledCanary,
      run: async (w, kill) => {
        const outcome = await promoteCanary(w.context(kill), true);
        kill.check();
        assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
      },
      killed: (w) => w.killed(),
    recover: async (w) => {
        if (w.last()?.finishedAt !== undefined) return;
        const outcome = w.last()?.canary?.promote ? await continueDeploy(w.context(), true) : await promoteCanary(w.context(), true);
        assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
      },
      snapshot: (w) => w.snapshot(),
    };

    it('uninterrupted: the remaining steps are skipped; web runs web:1.1 at 4, web-canary at 0', async () => {
      const { world: w } = await uninterrupted(promote);
      assert.deepEqual(images(w, 'web'), ['web:1.1']);
      assert.equal(w.cluster.deployment('web')?.replicas, 4);
      assert.equal(w.cluster.deployment('web-canary')?.replicas, 0);
      assert.equal(w.last()?.canary?.phase, 'promoted');
      assert.equal(w.last()?.canary?.promote, true);
    });

    it('every kill point: deploy --continue ends as the uninterrupted promotion', async () => {
      assertAllRecovered(await everyKillPoint(promote));
    });
  });

  describe('retiring the old blue-green colour', () => {
    // blue-green kept blue for an instant rollback (keepOldFor: 10m); the person retires it now.
    const retire: Machine<ClusterWorld> = {
      world: async () => {
        const w = blueGreenWorld('10m');
        assert.equal((await deploy(w.context(), INPUT)).kind, 'deployed');
        return w;
      },
      run: async (w, kill) => {
        const outcome = await retireOldColour(w.context(kill), { now: true, confirmed: true });
        kill.check();
        assert.equal(outcome.kind, 'retired', JSON.stringify(outcome));
      },
      killed: (w) => w.killed(),
    recover: async (w) => {
        // Retire again; the killed process's lock (a fresh operation each time) is waited out.
        let outcome = await retireOldColour(w.context(), { now: true, confirmed: true });
        if (outcome.kind === 'refused' && w.cluster.leases.held(w.clock.now()).length > 0) {
          w.clock.advance((LOCK_DURATION_SECONDS + 1) * 1000);
          outcome = await retireOldColour(w.context(), { now: true, confirmed: true });
        }
        assert.equal(outcome.kind, 'retired', JSON.stringify(outcome));
      },
      snapshot: (w) => w.snapshot(),
    };

    it('uninterrupted: blue scaled to 0, saved as retired', async () => {
      const { world: w } = await uninterrupted(retire);
      assert.equal(w.cluster.deployment('web-blue')?.replicas, 0);
      assert.ok(w.last()?.retiredAt !== undefined);
    });

    it('every kill point: retire again ends the same', async () => {
      assertAllRecovered(await everyKillPoint(retire));
    });
  });

  describe('canary by HTTPRoute weights', () => {
    const canary = machine(() => canaryWorld('gateway-api'), 'deployed');

    it('uninterrupted: 50%, 100%, then promoted with the route back on web', async () => {
      const { world: w, kill } = await uninterrupted(canary);
      assert.deepEqual(images(w, 'web'), ['web:1.1']);
      assert.equal(w.cluster.deployment('web-canary')?.replicas, 0);
      assert.deepEqual(w.cluster.service('web-canary')?.selector, { app: 'web', track: 'canary' });
      assert.deepEqual(w.snapshot(), { ...(w.snapshot() as object), route: [['web=100', 'web-canary=0']] });
      assert.ok(kill.log.filter((c) => c === 'cluster.patchCustomObject').length >= 3, kill.log.join(', '));
    });

    it('every kill point: deploy --continue ends as the uninterrupted deploy', async () => {
      assertAllRecovered(await everyKillPoint(canary));
    });
  });

  it('a kill is a kill: the killed process changes nothing after it', async () => {
    const w = rollingWorld();
    const kill = new KillSwitch(3);
    await deploy(w.context(kill), INPUT).catch(() => undefined);
    assert.ok(kill.dead);
    assert.deepEqual(kill.log, ['store.write', 'audit.append', 'cluster.createLease']);
    assert.equal(w.last()?.done.length, 0, 'the lock step was not saved as done');
    assert.equal(w.cluster.leases.all().length, 1, 'the dead process still holds its lock');
  });
});
