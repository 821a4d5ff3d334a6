import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { HotfixContext } from '../../src/core/hotfix/context';
import { createHotfix } from '../../src/core/hotfix/create';
import { abortFinish, continueFinish, finishHotfix } from '../../src/core/hotfix/finish';
import { hotfixStatus } from '../../src/core/hotfix/status';
import { gitflowRepo, trunkRepo, type Repo } from './fixtures/repos';

const BRANCH = 'hotfix/PROD-2847-payment-null-pointer';

async function startHotfix(repo: Repo, ctx: HotfixContext, fix = 'module.exports = (order) => order?.total ?? 0;\n'): Promise<void> {
  const created = await createHotfix(ctx, { issue: 'PROD-2847', title: 'payment null pointer' });
  assert.ok(created.ok, JSON.stringify(created));
  repo.commit('app.js', fix, 'fix: guard a null order');
}

const parents = (repo: Repo, ref: string) => repo.git('rev-list', '--parents', '-n', '1', ref).split(' ').slice(1);

describe('hotfix finish, gitflow (real git, bare remote)', () => {
  let repo: Repo;
  afterEach(() => repo.dispose());

  it('merges --no-ff into production, tags the next patch, merges into develop and release, deletes and pushes', async () => {
    repo = gitflowRepo();
    const ctx = await repo.context();
    // Develop's change to app.js would conflict: start from a repo where develop did not touch it.
    repo.git('switch', '--quiet', 'develop');
    repo.git('revert', '--no-edit', 'HEAD');
    repo.git('switch', '--quiet', 'release/2.0');
    repo.git('merge', '--quiet', '--no-edit', 'develop');
    repo.git('push', '--quiet', 'origin', 'develop', 'release/2.0');
    repo.git('switch', '--quiet', 'production');
    await startHotfix(repo, ctx);
    const fixSha = repo.sha('HEAD');
    repo.git('push', '--quiet', 'origin', BRANCH);
    const progress: string[] = [];

    const outcome = await finishHotfix(ctx, {}, (m) => progress.push(m));
    assert.equal(outcome.kind, 'finished', JSON.stringify(outcome));

    const merge = parents(repo, 'production');
    assert.equal(merge.length, 2, 'a merge commit (--no-ff) on production');
    assert.equal(merge[1], fixSha);
    assert.equal(repo.git('cat-file', '-t', 'v1.10.1'), 'tag', 'an annotated tag');
    assert.equal(repo.sha('v1.10.1^{commit}'), repo.sha('production'));
    assert.match(repo.git('tag', '-l', '--format=%(contents)', 'v1.10.1'), /PROD-2847/);
    for (const branch of ['develop', 'release/2.0']) {
      assert.equal(parents(repo, branch).length, 2, `${branch} got a merge commit`);
      assert.equal(repo.git('merge-base', '--is-ancestor', fixSha, branch), '');
    }
    assert.equal(repo.git('branch', '--list', BRANCH), '', 'the hotfix branch is deleted');
    for (const ref of ['production', 'develop', 'release/2.0', 'v1.10.1']) {
      assert.equal(repo.sha(ref, true), repo.sha(ref), `${ref} pushed`);
    }
    assert.throws(() => repo.sha(`refs/heads/${BRANCH}`, true), 'the remote hotfix branch is deleted');
    assert.equal(repo.git('symbolic-ref', '--short', 'HEAD'), 'develop');
    assert.ok(progress.some((m) => m.includes('Tagging production as v1.10.1')), progress.join('\n'));
    assert.equal(existsSync(path.join(repo.work, '.git/hotfix/finish.json')), false, 'no finish left in progress');
  });

  it('skips to the next free patch version when the next one is taken; --no-push leaves the remote alone', async () => {
    repo = gitflowRepo();
    repo.git('tag', 'v1.10.1', 'v1.9.0');
    const ctx = await repo.context();
    await startHotfix(repo, ctx, 'module.exports = (order) => order.total * order.rate;\n'); // same as develop: no conflict
    const remoteBefore = repo.git('--git-dir', repo.remote, 'for-each-ref');
    const outcome = await finishHotfix(ctx, { push: false });
    assert.equal(outcome.kind, 'finished', JSON.stringify(outcome));
    assert.equal(repo.sha('v1.10.2^{commit}'), repo.sha('production'));
    assert.equal(repo.git('--git-dir', repo.remote, 'for-each-ref'), remoteBefore);
  });

  it('stops on a conflict into develop with the files listed, and continues once resolved (twice: release/2.0 too)', async () => {
    repo = gitflowRepo();
    const ctx = await repo.context();
    await startHotfix(repo, ctx);
    const stopped = await finishHotfix(ctx, { push: false });
    assert.equal(stopped.kind, 'stopped', JSON.stringify(stopped));
    assert.ok(stopped.kind === 'stopped');
    assert.equal(stopped.step, 'merge:develop');
    assert.deepEqual(stopped.files, ['app.js']);
    assert.equal(parents(repo, 'production').length, 2, 'production already merged');
    assert.equal(repo.sha('v1.10.1^{commit}'), repo.sha('production'), 'and tagged');

    const status = await hotfixStatus(ctx);
    assert.equal(status.finish?.stopped?.step, 'merge:develop');
    assert.equal(status.finish?.next, 'merge:develop');

    const stillConflicted = await continueFinish(ctx);
    assert.equal(stillConflicted.kind, 'stopped', 'continue before resolving stops again');

    const resolved = 'module.exports = (order) => (order?.total ?? 0) * (order?.rate ?? 1);\n';
    repo.write('app.js', resolved);
    repo.git('add', 'app.js');
    const second = await continueFinish(ctx);
    assert.equal(second.kind, 'stopped', 'release/2.0 has the same change: a second conflict');
    assert.equal(second.kind === 'stopped' ? second.step : '', 'merge:release/2.0');
    repo.write('app.js', resolved);
    repo.git('add', 'app.js');
    const done = await continueFinish(ctx);
    assert.equal(done.kind, 'finished', JSON.stringify(done));
    assert.equal(parents(repo, 'develop').length, 2);
    assert.match(repo.git('show', 'develop:app.js'), /order\?\.rate/);
    assert.equal(parents(repo, 'release/2.0').length, 2);
    assert.equal(repo.git('branch', '--list', BRANCH), '');
  });

  it('aborts the same conflict with every branch and tag back where it was', async () => {
    repo = gitflowRepo();
    const ctx = await repo.context();
    await startHotfix(repo, ctx);
    const before = repo.refs();
    const stopped = await finishHotfix(ctx);
    assert.equal(stopped.kind, 'stopped');
    assert.notEqual(repo.refs(), before);
    const aborted = await abortFinish(ctx);
    assert.equal(aborted.kind, 'aborted', 'a successful abort is a success, not a failure read by its words');
    assert.deepEqual(aborted.kind === 'aborted' && [aborted.branch, aborted.undone], [BRANCH, ['merge:production', 'tag']]);
    assert.equal(repo.refs(), before);
    assert.equal(repo.git('symbolic-ref', '--short', 'HEAD'), BRANCH);
    assert.equal(repo.git('status', '--porcelain'), '');
    assert.equal((await continueFinish(ctx)).kind, 'failed', 'nothing left to continue');
  });

  it('refuses to finish with uncommitted changes, a stale production, or nothing to merge', async () => {
    repo = gitflowRepo();
    const ctx = await repo.context();
    await createHotfix(ctx, { issue: 'PROD-1', title: 'empty' });
    const empty = await finishHotfix(ctx);
    assert.match(empty.kind === 'failed' ? empty.reason : '', /nothing to finish/);
    repo.commit('app.js', 'fixed\n', 'fix');
    repo.write('app.js', 'dirty\n');
    const dirty = await finishHotfix(ctx);
    assert.match(dirty.kind === 'failed' ? dirty.reason : '', /uncommitted changes \(app.js\)/);
    repo.git('checkout', '--', 'app.js');
    // Someone else pushed to production; local production is behind origin/production.
    const other = repo.git('commit-tree', '-p', 'production', '-m', 'elsewhere', 'production^{tree}');
    repo.git('push', '--quiet', 'origin', `${other}:refs/heads/production`);
    repo.git('fetch', '--quiet', 'origin');
    const before = repo.refs();
    const stale = await finishHotfix(ctx);
    assert.match(stale.kind === 'failed' ? `${stale.reason} ${stale.hint}` : '', /production is behind origin\/production.*pull --ff-only/);
    assert.equal(repo.refs(), before);
  });
});

describe('hotfix finish, trunk (real git, bare remote)', () => {
  let repo: Repo;
  afterEach(() => repo.dispose());

  it('fast-forwards production, tags, and cherry-picks the fix onto main with -x', async () => {
    repo = trunkRepo();
    const ctx = await repo.context();
    await startHotfix(repo, ctx);
    const fixSha = repo.sha('HEAD');
    const outcome = await finishHotfix(ctx);
    assert.equal(outcome.kind, 'finished', JSON.stringify(outcome));
    assert.equal(repo.sha('production'), fixSha, 'fast-forwarded: no merge commit');
    assert.equal(repo.sha('v3.1.1^{commit}'), fixSha);
    assert.match(repo.git('log', '-1', '--format=%B', 'main'), new RegExp(`cherry picked from commit ${fixSha}`));
    assert.equal(repo.git('show', 'main:feature.js').trim(), 'module.exports = "new";', 'main keeps its own work');
    assert.equal(repo.sha('main', true), repo.sha('main'));
    assert.equal(repo.sha('production', true), fixSha);
  });

  it('refuses clearly when production has moved and cannot be fast-forwarded, changing nothing', async () => {
    repo = trunkRepo();
    const ctx = await repo.context();
    await startHotfix(repo, ctx);
    repo.git('switch', '--quiet', 'production');
    repo.commit('other.js', 'x\n', 'someone else shipped');
    repo.git('switch', '--quiet', BRANCH);
    const before = repo.refs();
    const outcome = await finishHotfix(ctx, { push: false });
    assert.equal(outcome.kind, 'failed');
    assert.match(outcome.kind === 'failed' ? `${outcome.reason} ${outcome.hint}` : '', /cannot be fast-forwarded.*git rebase production/);
    assert.equal(repo.refs(), before);
    assert.equal(repo.git('symbolic-ref', '--short', 'HEAD'), BRANCH);
  });

  it('stops on a cherry-pick conflict onto main and continues once resolved', async () => {
    repo = trunkRepo();
    repo.git('switch', '--quiet', 'main');
    repo.commit('app.js', 'module.exports = (order) => order.amount;\n', 'main renamed total');
    repo.git('push', '--quiet', 'origin', 'main');
    repo.git('switch', '--quiet', 'production');
    const ctx = await repo.context();
    await startHotfix(repo, ctx);
    const stopped = await finishHotfix(ctx);
    assert.equal(stopped.kind, 'stopped', JSON.stringify(stopped));
    assert.ok(stopped.kind === 'stopped');
    assert.equal(stopped.step, 'cherry-pick:main');
    assert.deepEqual(stopped.files, ['app.js']);
    repo.write('app.js', 'module.exports = (order) => order?.amount ?? 0;\n');
    repo.git('add', 'app.js');
    const done = await continueFinish(ctx);
    assert.equal(done.kind, 'finished', JSON.stringify(done));
    assert.match(repo.git('log', '-1', '--format=%B', 'main'), /cherry picked from commit/);
    assert.equal(repo.git('show', 'main:app.js').trim(), 'module.exports = (order) => order?.amount ?? 0;');
  });
});
