import assert from 'node:assert/strict';
import type { GitSettings } from '../../../src/core/config/types';
import type { HotfixContext } from '../../../src/core/hotfix/context';
import { abortFinish, continueFinish, finishHotfix, type FinishOutcome } from '../../../src/core/hotfix/finish';
import { FINISH_KEY, hotfixKey, type FinishState, type HotfixRecord } from '../../../src/core/hotfix/records';
import { KillSwitch } from '../fakes/kill-switch';
import { MemoryAudit } from '../fakes/memory-audit';
import { MemoryGit } from '../fakes/memory-git';
import { MemoryStore } from '../fakes/memory-store';
import { ManualClock } from '../fakes/manual-clock';
import { assertAllRecovered, everyKillPoint, uninterrupted, type Machine } from './kill-points';

const BRANCH = 'hotfix/PROD-2847-null-coupon';

class GitWorld {
  readonly git = new MemoryGit();
  readonly store = new MemoryStore();
  readonly audit = new MemoryAudit();
  readonly clock = new ManualClock();
  fixes: string[] = [];
  production = '';

  constructor(readonly settings: GitSettings) {}

  /** One process's context: a front end opens the repository afresh for each operation. */
  context(kill = new KillSwitch()): HotfixContext {
    return { git: this.git.port(kill), store: this.store.port(kill), audit: this.audit.port(kill), clock: this.clock.port(kill), settings: this.settings };
  }

  record(): HotfixRecord | undefined {
    return this.store.peek<HotfixRecord>(hotfixKey(BRANCH));
  }
}

/**
 * production: initial, 1.4.0 (tag v1.4.0); the hotfix branch from it with two commits, checked out
 * and pushed; `others` (develop, release/1.5 or main) one commit ahead of production each.
 */
function repository(settings: GitSettings, others: readonly string[]): GitWorld {
  const w = new GitWorld(settings);
  const { git } = w;
  git.commitOn('production', 'initial');
  w.production = git.commitOn('production', 'release 1.4.0');
  git.tagRefs.set('v1.4.0', w.production);
  for (const name of others) {
    git.branches.set(name, w.production);
    git.commitOn(name, `work on ${name}`);
  }
  git.branches.set(BRANCH, w.production);
  git.head = { branch: BRANCH, sha: w.production };
  w.fixes = [git.commitOn(BRANCH, 'fix: a null coupon no longer fails checkout'), git.commitOn(BRANCH, 'test: checkout without a coupon')];
  git.remote('origin').tags.set('v1.4.0', w.production);
  for (const name of ['production', ...others, BRANCH]) git.publish('origin', name);
  const record: HotfixRecord = {
    branch: BRANCH,
    issueKey: 'PROD-2847',
    title: 'null coupon',
    model: settings.model,
    baseline: { ref: 'v1.4.0', sha: w.production, tag: 'v1.4.0', version: '1.4.0' },
    createdAt: w.clock.now().toISOString(),
    createdBy: 'Ada Oncall <ada@example.com>',
  };
  void w.store.write(hotfixKey(BRANCH), record);
  return w;
}

const gitflow = (): GitWorld =>
  repository({ model: 'gitflow', productionBranch: 'production', developBranch: 'develop', mainBranch: 'develop', tagPrefix: 'v', remote: 'origin' }, ['develop', 'release/1.5']);
const trunk = (): GitWorld => repository({ model: 'trunk', productionBranch: 'production', mainBranch: 'main', tagPrefix: 'v', remote: 'origin' }, ['main']);

/** The repository, the remote and what the store says, with content-derived shas: same history, same shas. */
function snapshot(w: GitWorld): unknown {
  const { git } = w;
  const sorted = (m: ReadonlyMap<string, string>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));
  const origin = git.remote('origin');
  return {
    head: git.head.branch ?? `detached at ${git.head.sha}`,
    inProgress: git.merging ? 'merge' : git.picking ? 'cherry-pick' : 'none',
    branches: sorted(git.branches),
    tags: sorted(git.tagRefs),
    tracking: sorted(git.tracking),
    remote: { branches: sorted(origin.branches), tags: sorted(origin.tags) },
    finishInProgress: w.store.peek<FinishState>(FINISH_KEY) !== undefined,
    finished: w.record()?.finished ? { tag: w.record()?.finished?.tag, productionSha: w.record()?.finished?.productionSha } : undefined,
  };
}

function expectFinished(outcome: FinishOutcome): void {
  assert.equal(outcome.kind, 'finished', JSON.stringify(outcome));
}

/** finish; on a conflict the person resolves it and runs finish --continue, each a new process. */
async function finishResolvingConflicts(w: GitWorld, kill: KillSwitch, first: 'start' | 'continue'): Promise<void> {
  let outcome = first === 'start' ? await finishHotfix(w.context(kill)) : await continueFinish(w.context(kill));
  for (let round = 0; outcome.kind === 'stopped' && round < 5; round++) {
    kill.check();
    w.git.resolveConflicts();
    outcome = await continueFinish(w.context(kill));
  }
  kill.check();
  expectFinished(outcome);
}

/** After a kill: finish --continue when a finish is in progress; finish again when none had begun; nothing when it was done. */
async function recover(w: GitWorld): Promise<void> {
  if (w.store.peek(FINISH_KEY) !== undefined) return finishResolvingConflicts(w, new KillSwitch(), 'continue');
  if (w.git.branches.has(BRANCH) && w.record()?.finished === undefined) return finishResolvingConflicts(w, new KillSwitch(), 'start');
}

/**
 * The other way out: finish --abort (every ref back where it was), then finish again. Once the
 * push has begun abort refuses (undoing it would need a force-push): then finish --continue.
 */
async function abortAndRedo(w: GitWorld): Promise<void> {
  if (w.store.peek(FINISH_KEY) !== undefined) {
    await abortFinish(w.context());
    if (w.store.peek(FINISH_KEY) !== undefined) return finishResolvingConflicts(w, new KillSwitch(), 'continue');
    assert.equal(w.git.head.branch, BRANCH, 'abort checks the hotfix branch out again');
  }
  return recover(w);
}

function machine(world: () => GitWorld, recovery: (w: GitWorld) => Promise<void> = recover): Machine<GitWorld> {
  return { world, run: (w, kill) => finishResolvingConflicts(w, kill, 'start'), recover: recovery, snapshot };
}

describe('machines: hotfix finish, killed at every step and continued', function () {
  this.timeout(10_000);

  describe('gitflow', () => {
    it('uninterrupted: merge --no-ff into production, tag v1.4.1, merge into develop and release/1.5, delete, push', async () => {
      const { world: w, kill } = await uninterrupted(machine(gitflow));
      const { git } = w;
      const production = git.branches.get('production') ?? '';
      assert.deepEqual(git.parentsOf(production), [w.production, w.fixes[1]], 'a merge commit (--no-ff) of the hotfix tip');
      assert.equal(git.tagRefs.get('v1.4.1'), production);
      for (const branch of ['develop', 'release/1.5']) {
        const parents = git.parentsOf(git.branches.get(branch) ?? '');
        assert.equal(parents.length, 2, `${branch} got a merge commit`);
        assert.equal(parents[1], w.fixes[1]);
      }
      assert.equal(git.branches.has(BRANCH), false, 'the hotfix branch is deleted');
      const origin = git.remote('origin');
      assert.equal(origin.branches.has(BRANCH), false, 'and deleted on the remote');
      for (const name of ['production', 'develop', 'release/1.5']) assert.equal(origin.branches.get(name), git.branches.get(name), `${name} pushed`);
      assert.equal(origin.tags.get('v1.4.1'), production, 'the tag pushed');
      assert.equal(git.head.branch, 'develop');
      assert.equal(w.store.peek(FINISH_KEY), undefined, 'no finish left in progress');
      assert.deepEqual(w.record()?.finished?.tag, 'v1.4.1');
      assert.ok(kill.mutations > 15, kill.log.join(', '));
    });

    it('every kill point: finish --continue ends as the uninterrupted finish', async () => {
      assertAllRecovered(await everyKillPoint(machine(gitflow)));
    });

    it('every kill point: finish --abort, then finish again, ends as the uninterrupted finish', async () => {
      assertAllRecovered(await everyKillPoint(machine(gitflow, abortAndRedo)));
    });

    it('with a conflict into develop: the same end state, killed anywhere before or after the person resolves it', async () => {
      const conflicted = () => {
        const w = gitflow();
        w.git.conflicts.push({ op: 'merge', into: 'develop', files: ['src/checkout.js'] });
        return w;
      };
      const plain = snapshot((await uninterrupted(machine(gitflow))).world);
      const report = await everyKillPoint(machine(conflicted));
      assert.deepEqual(report.expected, plain, 'resolving the conflict gives the history the plain finish gives');
      assert.ok(report.calls.includes('git.commitMerge'), report.calls.join(', '));
      assertAllRecovered(report);
    });
  });

  describe('abort', () => {
    // A finish stopped on a conflict into develop (production merged and tagged): the person aborts.
    const stopped = async (): Promise<GitWorld> => {
      const w = gitflow();
      w.git.conflicts.push({ op: 'merge', into: 'develop', files: ['src/checkout.js'] });
      assert.equal((await finishHotfix(w.context())).kind, 'stopped');
      return w;
    };
    const abort: Machine<GitWorld> = {
      world: stopped,
      run: async (w, kill) => {
        await abortFinish(w.context(kill));
        kill.check();
      },
      // Killed while aborting: abort again.
      recover: async (w) => {
        if (w.store.peek(FINISH_KEY) !== undefined) await abortFinish(w.context());
      },
      snapshot,
    };

    it('uninterrupted: the merge in progress aborted, every branch and the tag back as before the finish', async () => {
      const { world: w, kill } = await uninterrupted(abort);
      assert.deepEqual(snapshot(w), snapshot(gitflow()));
      assert.ok(kill.log.includes('git.abortMerge') && kill.log.includes('git.deleteTag'), kill.log.join(', '));
    });

    it('every kill point: abort again ends as the uninterrupted abort', async () => {
      assertAllRecovered(await everyKillPoint(abort));
    });
  });

  describe('trunk', () => {
    it('uninterrupted: fast-forward production, tag v1.4.1, cherry-pick -x onto main, delete, push', async () => {
      const { world: w } = await uninterrupted(machine(trunk));
      const { git } = w;
      assert.equal(git.branches.get('production'), w.fixes[1], 'production fast-forwarded to the hotfix tip');
      assert.equal(git.tagRefs.get('v1.4.1'), w.fixes[1]);
      const main = git.branches.get('main') ?? '';
      const second = git.parentsOf(main)[0] ?? '';
      assert.match(git.message(main), new RegExp(`^test: checkout without a coupon\\n\\n\\(cherry picked from commit ${w.fixes[1]}\\)$`));
      assert.match(git.message(second), new RegExp(`\\(cherry picked from commit ${w.fixes[0]}\\)$`));
      assert.equal(git.message(git.parentsOf(second)[0] ?? ''), 'work on main', 'picked onto main, in order');
      assert.equal(git.branches.has(BRANCH), false);
      assert.equal(git.remote('origin').branches.get('main'), main);
      assert.equal(git.remote('origin').branches.has(BRANCH), false);
    });

    it('every kill point (between the two picks too): finish --continue ends as the uninterrupted finish', async () => {
      const report = await everyKillPoint(machine(trunk));
      assert.ok(report.calls.includes('git.cherryPick:next'), 'a kill point between the two cherry-picks');
      assert.ok(report.calls.includes('git.push:tracking-refs'), 'a kill point after the remote took the push');
      assertAllRecovered(report);
    });

    it('every kill point: finish --abort, then finish again, ends as the uninterrupted finish', async () => {
      assertAllRecovered(await everyKillPoint(machine(trunk, abortAndRedo)));
    });

    it('with a conflict picking onto main: the same end state, killed anywhere', async () => {
      const conflicted = () => {
        const w = trunk();
        w.git.conflicts.push({ op: 'cherry-pick', into: 'main', files: ['src/checkout.js'] });
        return w;
      };
      const plain = snapshot((await uninterrupted(machine(trunk))).world);
      const report = await everyKillPoint(machine(conflicted));
      assert.deepEqual(report.expected, plain);
      assertAllRecovered(report);
    });
  });
});
