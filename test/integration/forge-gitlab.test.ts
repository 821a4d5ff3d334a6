// The fake GitLab (test/forge/gitlab.mjs) that the tests of finishing a hotfix through merge requests stand on, driven
// with @gitbeaker/rest as the product drives GitLab: over a real bare remote, every request's parameters and every answer
// held to GitLab's documented REST API (test/forge/gitlab-schemas.mjs). If this passes, a product test that fails
// against the fake fails for the product's reasons.

import assert from 'node:assert/strict';
import { MergeRequestApprovals, MergeRequests, Projects } from '@gitbeaker/rest';
import type * as Forge from '../forge/gitlab.mjs';
import { importScript } from './fixtures/cluster';
import { createGitFixture, type GitFixture } from './fixtures/git';

const REPO = 'acme/shop';

/** A GitbeakerRequestError's status and GitLab's words (its `message` or Grape's `error`), for assert.rejects. */
function gitlabError(status: number, words: string | RegExp) {
  return (error: unknown): boolean => {
    const cause = (error as { cause?: { description?: string; response?: { status?: number } } }).cause;
    assert.equal(cause?.response?.status, status, String(error));
    const said = cause?.description ?? '';
    if (typeof words === 'string') assert.equal(said, words);
    else assert.match(said, words);
    return true;
  };
}

describe('contract-validated fake GitLab: merge requests into a protected production branch over a bare remote', function () {
  this.timeout(60_000);
  let repo: GitFixture;
  let forge: Forge.GitlabForge;
  let mrs: InstanceType<typeof MergeRequests>;
  let approvals: InstanceType<typeof MergeRequestApprovals>;
  let projects: InstanceType<typeof Projects>;
  let host: string;
  let fixSha: string;
  let productionBefore: string;
  const remote = (...args: string[]) => repo.git('--git-dir', repo.remote, ...args);
  const assertNoViolations = () => assert.deepEqual(forge.violations, [], forge.violations.join('\n'));
  const show = async (iid: number) => mrs.show(REPO, iid);
  const push = (branch: string, file: string, content: string, message: string): string => {
    repo.git('switch', '--quiet', branch);
    const sha = repo.commit(file, content, message);
    repo.git('push', '--quiet', 'origin', branch);
    repo.git('switch', '--quiet', 'production');
    return sha;
  };

  before(async function () {
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
    const { startGitlabForge } = await importScript<typeof Forge>('test/forge/gitlab.mjs');
    forge = await startGitlabForge({
      projects: { [REPO]: repo.remote },
      tokens: { valid: ['glpat-good'], expired: ['glpat-old'] },
      rules: { [REPO]: { approvals: { production: 1 }, pipelinesMustSucceed: true } },
    });
    host = forge.url.replace(/\/api\/v4$/, '');
    mrs = new MergeRequests({ host, token: 'glpat-good' });
    approvals = new MergeRequestApprovals({ host, token: 'glpat-good' });
    projects = new Projects({ host, token: 'glpat-good' });
  });
  after(async () => {
    await forge?.close();
    repo?.dispose();
  });

  it('starts within seconds and reads the project by its URL-encoded path and by its id', async () => {
    assert.ok(forge.startupMs < 10_000, `start-up took ${forge.startupMs} ms (schemas ${forge.schemaMs} ms)`);
    const byPath = await projects.show(REPO);
    assert.equal(byPath.path_with_namespace, REPO);
    assert.equal(byPath.default_branch, 'production');
    assert.equal((await projects.show(byPath.id)).web_url, `${host}/${REPO}`);
    assert.equal(forge.requests[0]?.path, '/api/v4/projects/acme%2Fshop', 'the path is one URL-encoded segment');
    assertNoViolations();
  });

  it('opens a merge request that reads preparing, then checking, then not_approved, with a pending pipeline on its head', async () => {
    const created = await mrs.create(REPO, 'hotfix/PAY-1', 'production', 'Fix payments', { description: 'PAY-1', removeSourceBranch: false });
    assert.equal(created.iid, 1);
    assert.equal(created.sha, fixSha);
    assert.equal(created.detailed_merge_status, 'preparing');
    assert.equal(created.web_url, `${host}/${REPO}/-/merge_requests/1`);
    assert.equal((await show(1)).detailed_merge_status, 'checking', 'GitLab checks mergeability in the background: the first read does not know');
    const second = await show(1);
    assert.equal(second.detailed_merge_status, 'not_approved');
    assert.equal(second.has_conflicts, false);
    const pipeline = second.head_pipeline as { sha: string; status: string } | null;
    assert.deepEqual([pipeline?.sha, pipeline?.status], [fixSha, 'pending']);
    const state = await approvals.showConfiguration(REPO, { mergerequestIId: 1 });
    assert.deepEqual([state.approvals_required, state.approvals_left, state.approved_by], [1, 1, []]);
    await assert.rejects(mrs.create(REPO, 'hotfix/PAY-1', 'production', 'Again'), gitlabError(409, '["Another open merge request already exists for this source branch: !1"]'));
    await assert.rejects(mrs.merge(REPO, 1), gitlabError(405, '405 Method Not Allowed'));
    assertNoViolations();
  });

  it('once approved, the pipeline decides (ci_still_running, ci_must_pass, mergeable); a merge writes GitLab\'s merge commit into the remote', async () => {
    await forge.approve(REPO, 1, { user: 'grace-reviewer' });
    await assert.rejects(forge.approve(REPO, 1, { user: 'ada-oncall' }), /authors approve their own/);
    const approvedBy = (await approvals.showConfiguration(REPO, { mergerequestIId: 1 })).approved_by as { user: { username: string } }[];
    assert.deepEqual(approvedBy.map((a) => a.user.username), ['grace-reviewer']);
    assert.equal((await show(1)).detailed_merge_status, 'ci_still_running');
    forge.setPipeline(REPO, fixSha, 'failed');
    assert.equal((await show(1)).detailed_merge_status, 'ci_must_pass');
    assert.deepEqual(await forge.merge(REPO, 1), { merged: false, status: 405, message: '405 Method Not Allowed', reason: 'ci_must_pass' });
    forge.setPipeline(REPO, fixSha, 'success');
    assert.equal((await show(1)).detailed_merge_status, 'mergeable');
    assert.deepEqual((await mrs.allPipelines(REPO, 1)).map((p) => [p.sha, p.status]), [[fixSha, 'success']]);
    await assert.rejects(mrs.merge(REPO, 1, { sha: productionBefore }), gitlabError(409, `SHA does not match HEAD of source branch: ${fixSha}`));

    const merged = await mrs.merge(REPO, 1, { sha: fixSha });
    assert.equal(merged.state, 'merged');
    assert.equal(remote('rev-parse', 'production'), merged.merge_commit_sha);
    assert.deepEqual(remote('rev-list', '--parents', '-n', '1', 'production').split(' ').slice(1), [productionBefore, fixSha]);
    assert.equal(remote('log', '-1', '--format=%B', 'production'), "Merge branch 'hotfix/PAY-1' into 'production'\n\nFix payments\n\nSee merge request acme/shop!1");
    assert.equal(remote('log', '-1', '--format=%an|%cn', 'production'), 'Ada Oncall|Ada Oncall', 'authored and committed by the user who merged');
    assert.notEqual(remote('branch', '--list', 'hotfix/PAY-1'), '', 'the source branch stays (remove_source_branch: false)');
    const after = await show(1);
    assert.deepEqual([after.state, after.merge_commit_sha, (after.merge_user as { username: string } | null)?.username, after.detailed_merge_status], ['merged', merged.merge_commit_sha, 'ada-oncall', 'not_open']);
    await assert.rejects(mrs.merge(REPO, 1), gitlabError(405, '405 Method Not Allowed'));
    assert.deepEqual(forge.requests.filter((r) => r.endpoint === 'merge_requests/merge').map((r) => r.status), [405, 409, 200, 405]);
    assertNoViolations();
  });

  it('reads a conflicting merge request as conflict and refuses its merge; a push resets its approvals and reads checking again', async () => {
    const created = await mrs.create(REPO, 'hotfix/PAY-2', 'production', 'Other fix');
    await show(created.iid);
    const conflict = await show(created.iid);
    assert.deepEqual([conflict.detailed_merge_status, conflict.merge_status, conflict.has_conflicts], ['conflict', 'cannot_be_merged', true]);
    assert.deepEqual(await forge.merge(REPO, created.iid), { merged: false, status: 405, message: '405 Method Not Allowed', reason: 'conflict' });
    await forge.approve(REPO, created.iid);
    assert.equal((await approvals.showConfiguration(REPO, { mergerequestIId: created.iid })).approvals_left, 0);
    const pushed = push('hotfix/PAY-2', 'NOTES.md', 'why\n', 'notes');
    const read = await show(created.iid);
    assert.deepEqual([read.sha, read.detailed_merge_status], [pushed, 'checking']);
    assert.equal((await approvals.showConfiguration(REPO, { mergerequestIId: created.iid })).approvals_left, 1, 'approvals reset on push');
    assert.equal((await mrs.allPipelines(REPO, created.iid)).length, 2, 'one pipeline per head');
    // Pages of one: @gitbeaker/rest follows the Link header to the end. (No state: GitLab lists every state.)
    assert.deepEqual((await mrs.all({ projectId: REPO, perPage: 1 })).map((m) => m.iid), [created.iid, 1]);
    assert.deepEqual((await mrs.all({ projectId: REPO, sourceBranch: 'hotfix/PAY-2', targetBranch: 'production', state: 'opened' })).map((m) => m.iid), [created.iid]);
    assert.equal((await mrs.edit(REPO, created.iid, { stateEvent: 'close' })).state, 'closed');
    assert.deepEqual(await mrs.all({ projectId: REPO, state: 'opened' }), []);
    assert.equal((await mrs.edit(REPO, created.iid, { stateEvent: 'reopen' })).state, 'opened');
    await mrs.edit(REPO, created.iid, { stateEvent: 'close' });
    assertNoViolations();
  });

  it('marks a merge request merged when its target comes to contain its head another way, with the commit that brought it in', async () => {
    repo.git('switch', '--quiet', '-c', 'hotfix/PAY-3', 'origin/production');
    const sha = repo.commit('retry.js', 'module.exports = 3;\n', 'fix: retry the capture');
    repo.git('push', '--quiet', 'origin', 'hotfix/PAY-3');
    const { iid } = await mrs.create(REPO, 'hotfix/PAY-3', 'develop', 'Back-merge PAY-3');
    repo.git('switch', '--quiet', '-c', 'by-hand', 'origin/develop');
    repo.git('merge', '--quiet', '--no-ff', '-m', 'Merge PAY-3 by hand', 'hotfix/PAY-3');
    repo.git('push', '--quiet', 'origin', 'by-hand:develop');
    repo.git('switch', '--quiet', 'production');
    const read = await show(iid);
    assert.deepEqual([read.state, read.merge_commit_sha, read.merge_user], ['merged', remote('rev-parse', 'develop'), null]);
    assert.equal(remote('merge-base', '--is-ancestor', sha, 'develop'), '');
    assertNoViolations();
  });

  it('answers 401 "401 Unauthorized" for an expired token, and 404 "404 Project Not Found" without one (a private project)', async () => {
    await assert.rejects(new Projects({ host, token: 'glpat-old' }).show(REPO), gitlabError(401, '401 Unauthorized'));
    await assert.rejects(new Projects({ host }).show(REPO), gitlabError(404, '404 Project Not Found'));
    await assert.rejects(projects.show('acme/nothing'), gitlabError(404, '404 Project Not Found'));
    await assert.rejects(show(99), gitlabError(404, '404 Not found'));
    assertNoViolations();
  });

  it('refuses what GitLab refuses with 400 in Grape\'s words, answers 404 for an endpoint not served, and records those and undocumented parameters', async () => {
    await assert.rejects(mrs.create(REPO, '', 'production', 'Empty'), gitlabError(400, 'source_branch is empty'));
    await assert.rejects(mrs.edit(REPO, 1, { stateEvent: 'merge' }), gitlabError(400, 'state_event does not have a valid value'));
    await assert.rejects(mrs.allCommits(REPO, 1), gitlabError(404, '404 Not Found'));
    const raw = await fetch(`${forge.url}/projects/acme%2Fshop/merge_requests/first?source=x`, { headers: { 'private-token': 'glpat-good' } });
    assert.deepEqual([raw.status, await raw.json()], [400, { error: 'merge_request_iid is invalid' }]);
    await mrs.all({ projectId: REPO, sourceBranch: 'hotfix/PAY-1', labels: 'hotfix' });
    assert.deepEqual(forge.violations, [
      'POST /api/v4/projects/acme%2Fshop/merge_requests (merge_requests/create): source_branch is empty',
      'PUT /api/v4/projects/acme%2Fshop/merge_requests/1 (merge_requests/update): state_event does not have a valid value',
      'GET /api/v4/projects/acme%2Fshop/merge_requests/1/commits: not an endpoint the fake GitLab serves (under /api/v4)',
      'GET /api/v4/projects/acme%2Fshop/merge_requests/first (merge_requests/show): sends source, which GitLab does not document here (GitLab ignores it; see https://docs.gitlab.com/api/merge_requests/#get-single-mr)',
      'GET /api/v4/projects/acme%2Fshop/merge_requests/first (merge_requests/show): merge_request_iid is invalid',
      'GET /api/v4/projects/acme%2Fshop/merge_requests (merge_requests/list): sends labels, which GitLab documents and the fake does not implement',
    ]);
    forge.violations.length = 0;
  });
});
