// The fake GitHub (test/forge/github.mjs) that the tests of finishing a hotfix through pull requests stand on, driven
// with @octokit/rest as the product drives GitHub: over a real bare remote, every request and answer held to GitHub's
// published description. If this passes, a product test that fails against the fake fails for the product's reasons.
// Needs GitHub's description: bash test/forge/setup-github-openapi.sh (the integration tier runs it).

import assert from 'node:assert/strict';
import { Octokit } from '@octokit/rest';
import type * as Forge from '../forge/github.mjs';
import { importScript } from './fixtures/cluster';
import { createGitFixture, type GitFixture } from './fixtures/git';

const owner = 'acme';
const repoName = 'shop';
const REPO = `${owner}/${repoName}`;

/** Octokit logs every 4xx answer; here they are what the tests ask for. */
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** An Octokit error's status and GitHub's message, for assert.rejects. */
function gitHubError(status: number, message: string | RegExp) {
  return (error: unknown): boolean => {
    const e = error as { status?: number; response?: { data?: { message?: string } } };
    assert.equal(e.status, status, String(error));
    const actual = e.response?.data?.message ?? '';
    if (typeof message === 'string') assert.equal(actual, message);
    else assert.match(actual, message);
    return true;
  };
}

describe('contract-validated fake GitHub: pull requests into a protected production branch over a bare remote', function () {
  this.timeout(60_000);
  let repo: GitFixture;
  let forge: Forge.GithubForge;
  let octokit: Octokit;
  let fixSha: string;
  let productionBefore: string;
  const remote = (...args: string[]) => repo.git('--git-dir', repo.remote, ...args);
  /** A valid exchange leaves nothing in violations; the message lists what did. */
  const assertNoViolations = () => assert.deepEqual(forge.violations, [], forge.violations.join('\n'));
  const pullNumber = async (head: string) =>
    (await octokit.pulls.list({ owner, repo: repoName, head: `${owner}:${head}`, state: 'all' })).data[0]?.number ?? assert.fail(`no pull request from ${head}`);

  before(async function () {
    this.timeout(120_000); // the first start in a process loads GitHub's 13 MB description
    repo = createGitFixture({ initialBranch: 'production' });
    repo.commit('app.js', 'module.exports = (order) => order.total;\n', 'release 1.0');
    repo.git('branch', 'develop');
    repo.git('switch', '--quiet', '-c', 'hotfix/PAY-1');
    fixSha = repo.commit('app.js', 'module.exports = (order) => order?.total ?? 0;\n', 'fix: guard a null order');
    repo.git('switch', '--quiet', '-c', 'hotfix/PAY-2', 'production');
    repo.commit('app.js', 'module.exports = (order) => order.total || 0;\n', 'fix: the same line, differently');
    repo.git('switch', '--quiet', 'production');
    // Production moves after the hotfix branched: the merge is a real merge, never a fast-forward.
    productionBefore = repo.commit('CHANGELOG.md', '# 1.0.1\n', 'changelog');
    repo.git('push', '--quiet', 'origin', 'production', 'develop', 'hotfix/PAY-1', 'hotfix/PAY-2');
    const { startGithubForge } = await importScript<typeof Forge>('test/forge/github.mjs');
    forge = await startGithubForge({
      repos: { [REPO]: repo.remote },
      tokens: { valid: ['ghp_good'], expired: ['ghp_old'] },
      protection: { [REPO]: { production: { requiredApprovals: 1, requiredChecks: ['ci'] } } },
    });
    octokit = new Octokit({ auth: 'ghp_good', baseUrl: forge.url, log: quiet });
  });
  after(async () => {
    await forge?.close();
    repo?.dispose();
  });

  it('starts within seconds and answers with and without the /api/v3 prefix of GitHub Enterprise', async () => {
    assert.ok(forge.startupMs < 10_000, `start-up took ${forge.startupMs} ms (description ${forge.descriptionMs} ms)`);
    const { data } = await octokit.repos.get({ owner, repo: repoName });
    assert.equal(data.full_name, REPO);
    assert.equal(data.default_branch, 'production');
    const bare = await fetch(`${new URL(forge.url).origin}/repos/${REPO}`, { headers: { authorization: 'token ghp_good' } });
    assert.equal(bare.status, 200);
    const branch = await octokit.repos.getBranch({ owner, repo: repoName, branch: 'production' });
    assert.equal(branch.data.commit.sha, productionBefore);
    assert.equal(branch.data.protected, true);
    assertNoViolations();
  });

  it('opens a pull request whose mergeable is null at first, then true but blocked by protection', async () => {
    const created = await octokit.pulls.create({ owner, repo: repoName, title: 'Fix payments', head: 'hotfix/PAY-1', base: 'production', body: 'PAY-1' });
    assert.equal(created.status, 201);
    assert.equal(created.data.head.sha, fixSha);
    assert.equal(created.data.mergeable, null);
    const first = await octokit.pulls.get({ owner, repo: repoName, pull_number: created.data.number });
    assert.equal(first.data.mergeable, null, 'GitHub computes mergeability in the background: the first read does not know');
    assert.equal(first.data.mergeable_state, 'unknown');
    const second = await octokit.pulls.get({ owner, repo: repoName, pull_number: created.data.number });
    assert.equal(second.data.mergeable, true);
    assert.equal(second.data.mergeable_state, 'blocked');
    assert.equal(second.data.commits, 1);
    await assert.rejects(octokit.pulls.merge({ owner, repo: repoName, pull_number: created.data.number }),
      gitHubError(405, 'At least 1 approving review is required by reviewers with write access.'));
    await assert.rejects(octokit.pulls.create({ owner, repo: repoName, title: 'Again', head: 'hotfix/PAY-1', base: 'production' }),
      gitHubError(422, 'Validation Failed'));
    assertNoViolations();
  });

  it('turns clean once approved and the required check passes; a merge writes GitHub\'s merge commit into the remote', async () => {
    const number = await pullNumber('hotfix/PAY-1');
    const state = async () => (await octokit.pulls.get({ owner, repo: repoName, pull_number: number })).data.mergeable_state;
    forge.approve(REPO, number, { user: 'grace-reviewer' });
    const reviews = await octokit.pulls.listReviews({ owner, repo: repoName, pull_number: number });
    assert.deepEqual(reviews.data.map((r) => [r.user?.login, r.state]), [['grace-reviewer', 'APPROVED']]);
    assert.equal(await state(), 'blocked', 'the ci check has not run');
    await octokit.checks.create({ owner, repo: repoName, name: 'ci', head_sha: fixSha, status: 'in_progress' });
    assert.equal(await state(), 'blocked');
    forge.setCheck(REPO, fixSha, 'ci', 'completed', 'failure');
    await assert.rejects(octokit.pulls.merge({ owner, repo: repoName, pull_number: number }), gitHubError(405, 'Required status check "ci" is failing.'));
    forge.setCheck(REPO, fixSha, 'ci', 'completed', 'success');
    assert.equal(await state(), 'clean');
    const checks = await octokit.checks.listForRef({ owner, repo: repoName, ref: 'hotfix/PAY-1' });
    assert.deepEqual(checks.data.check_runs.map((c) => [c.name, c.status, c.conclusion]), [['ci', 'completed', 'success']]);
    const combined = await octokit.repos.getCombinedStatusForRef({ owner, repo: repoName, ref: fixSha });
    assert.equal(combined.data.state, 'pending', 'no commit statuses: GitHub answers pending, not success');
    await octokit.issues.createComment({ owner, repo: repoName, issue_number: number, body: 'Merging the hotfix for PAY-1.' });

    const merged = await octokit.pulls.merge({ owner, repo: repoName, pull_number: number, sha: fixSha });
    assert.equal(merged.data.merged, true);
    assert.equal(remote('rev-parse', 'production'), merged.data.sha);
    assert.deepEqual(remote('rev-list', '--parents', '-n', '1', 'production').split(' ').slice(1), [productionBefore, fixSha]);
    assert.equal(remote('log', '-1', '--format=%B', 'production'), 'Merge pull request #1 from acme/hotfix/PAY-1\n\nFix payments');
    assert.equal(remote('log', '-1', '--format=%cn <%ce>', 'production'), 'GitHub <noreply@github.com>');
    const after = await octokit.pulls.get({ owner, repo: repoName, pull_number: number });
    assert.equal(after.data.merged, true);
    assert.equal(after.data.state, 'closed');
    assert.equal(after.data.merge_commit_sha, merged.data.sha);
    await assert.rejects(octokit.pulls.merge({ owner, repo: repoName, pull_number: number }), gitHubError(405, 'Pull Request is not mergeable'));
    await octokit.git.deleteRef({ owner, repo: repoName, ref: 'heads/hotfix/PAY-1' });
    assert.equal(remote('branch', '--list', 'hotfix/PAY-1'), '');
    const held = (await forge.pulls(REPO)).find((p) => p.number === number);
    assert.equal(held?.mergeCommitSha, merged.data.sha);
    assert.deepEqual(forge.requests.filter((r) => r.operationId === 'pulls/merge').map((r) => r.status), [405, 405, 200, 405]);
    assertNoViolations();
  });

  it('answers dirty for a conflicting pull request, refuses its merge with 405, and reads a push as unknown again', async () => {
    await octokit.pulls.create({ owner, repo: repoName, title: 'Other fix', head: 'hotfix/PAY-2', base: 'production' });
    const number = await pullNumber('hotfix/PAY-2');
    await octokit.pulls.get({ owner, repo: repoName, pull_number: number });
    const { data } = await octokit.pulls.get({ owner, repo: repoName, pull_number: number });
    assert.equal(data.mergeable, false);
    assert.equal(data.mergeable_state, 'dirty');
    // Both hotfixes rewrote the same line of app.js, and the first is merged now.
    await assert.rejects(octokit.pulls.merge({ owner, repo: repoName, pull_number: number }), gitHubError(405, 'Pull Request is not mergeable'));
    assert.deepEqual(await forge.merge(REPO, number), { merged: false, status: 405, message: 'Pull Request is not mergeable' });
    // A push to the head: GitHub recomputes, and says so with null once more.
    repo.git('switch', '--quiet', 'hotfix/PAY-2');
    repo.commit('NOTES.md', 'why\n', 'notes');
    repo.git('push', '--quiet', 'origin', 'hotfix/PAY-2');
    repo.git('switch', '--quiet', 'production');
    assert.equal((await octokit.pulls.get({ owner, repo: repoName, pull_number: number })).data.mergeable, null);
    assert.equal((await octokit.pulls.get({ owner, repo: repoName, pull_number: number })).data.mergeable_state, 'dirty');
    // GitHub ignores a head filter without its owner: prefix, and lists every pull request.
    const unfiltered = await octokit.pulls.list({ owner, repo: repoName, head: 'hotfix/PAY-2', state: 'all' });
    assert.deepEqual(unfiltered.data.map((p) => p.number), [number, 1]);
    assert.deepEqual((await octokit.pulls.list({ owner, repo: repoName, head: `${owner}:hotfix/PAY-2`, state: 'all' })).data.map((p) => p.number), [number]);
    const closed = await octokit.pulls.update({ owner, repo: repoName, pull_number: number, state: 'closed' });
    assert.equal(closed.data.state, 'closed');
    assertNoViolations();
  });

  it('counts each reviewer\'s latest verdict: a change request blocks until that reviewer approves', async () => {
    repo.git('switch', '--quiet', '-c', 'hotfix/PAY-3', 'origin/production');
    const sha = repo.commit('retry.js', 'module.exports = 3;\n', 'fix: retry the capture');
    repo.git('push', '--quiet', 'origin', 'hotfix/PAY-3');
    repo.git('switch', '--quiet', 'production');
    const { data: pr } = await octokit.pulls.create({ owner, repo: repoName, title: 'Retry', head: 'hotfix/PAY-3', base: 'production' });
    await assert.rejects(octokit.pulls.createReview({ owner, repo: repoName, pull_number: pr.number, event: 'APPROVE' }),
      gitHubError(422, 'Unprocessable Entity'), 'the token\'s user opened it');
    forge.setCheck(REPO, sha, 'ci', 'completed', 'success');
    forge.approve(REPO, pr.number, { user: 'grace-reviewer' });
    forge.requestChanges(REPO, pr.number, { user: 'linus-reviewer' });
    const blockers = async () => (await forge.pulls(REPO)).find((p) => p.number === pr.number)?.blockers;
    assert.deepEqual(await blockers(), ['Changes requested by a reviewer with write access block merging.']);
    forge.approve(REPO, pr.number, { user: 'linus-reviewer' });
    assert.deepEqual(await blockers(), []);
    assertNoViolations();
  });

  it('answers 401 as GitHub does: Bad credentials for an expired token, Requires authentication for none', async () => {
    await assert.rejects(new Octokit({ auth: 'ghp_old', baseUrl: forge.url, log: quiet }).repos.get({ owner, repo: repoName }), gitHubError(401, 'Bad credentials'));
    await assert.rejects(new Octokit({ baseUrl: forge.url, log: quiet }).repos.get({ owner, repo: repoName }), gitHubError(401, 'Requires authentication'));
    assertNoViolations();
  });

  it('rejects what GitHub\'s description rejects with 422 and an unserved operation with 404, and records both', async () => {
    const wrongType = octokit.pulls.create({ owner, repo: repoName, title: 5 as unknown as string, head: 'hotfix/PAY-2', base: 'develop' });
    await assert.rejects(wrongType, gitHubError(422, "Invalid request.\n\nFor 'properties/title', 5 is not a string."));
    await assert.rejects(octokit.repos.listCommits({ owner, repo: repoName }), gitHubError(404, 'Not Found'));
    assert.deepEqual(forge.violations, [
      "POST /repos/acme/shop/pulls (pulls/create): Invalid request. For 'properties/title', 5 is not a string.",
      'GET /repos/acme/shop/commits: GET /repos/{owner}/{repo}/commits (repos/list-commits) is not served by the fake GitHub',
    ]);
    forge.violations.length = 0;
  });
});
