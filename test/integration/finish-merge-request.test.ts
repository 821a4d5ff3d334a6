// Issue #19: finishing a hotfix through GitLab merge requests, for a production branch the remote protects
// (git.finish: pull-request, git.forge.kind: gitlab), with the CLI twin (built dist/cli.js) against the
// contract-validated fake GitLab (test/forge/gitlab.mjs): every request the tool sends is held to GitLab's documented
// REST API, and merges happen in the real bare remote, as GitLab would make them.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MergeRequests } from '@gitbeaker/rest';
import type * as Forge from '../forge/gitlab.mjs';
import { importScript } from './fixtures/cluster';
import { forgeRepo } from './fixtures/forge-repo';
import type { Repo } from './fixtures/repos';

const REPO = 'acme/shop';

describe('finish through merge requests: a protected production (CLI, contract-validated fake GitLab, real bare remote)', function () {
  this.timeout(120_000);
  let forge: Forge.GitlabForge;
  const repos: Repo[] = [];

  before(async function () {
    const { startGitlabForge } = await importScript<typeof Forge>('test/forge/gitlab.mjs');
    forge = await startGitlabForge({ projects: {}, tokens: { valid: ['glpat-good'], expired: ['glpat-old'] } });
  });
  after(async () => {
    await forge?.close();
    for (const r of repos) r.dispose();
  });
  afterEach(() => {
    assert.deepEqual(forge.violations, [], `every request held to GitLab's documented API:\n${forge.violations.join('\n')}`);
  });

  /** A gitflow repository whose remote is `acme/shop` on the fake (one approval into production, pipelines must succeed), and a hotfix branch with one fix. */
  async function scenario(fix: { file: string; content: string }) {
    // A fake per scenario, whose acme/shop is this scenario's bare remote (a restart costs milliseconds).
    const base = await forgeRepo({
      fix,
      tokenVariable: 'GITLAB_TOKEN',
      token: 'glpat-good',
      forge: async (remote) => {
        const { startGitlabForge } = await importScript<typeof Forge>('test/forge/gitlab.mjs');
        await forge.close();
        forge = await startGitlabForge({ projects: { [REPO]: remote }, tokens: { valid: ['glpat-good'], expired: ['glpat-old'] }, rules: { [REPO]: { approvals: { production: 1 }, pipelinesMustSucceed: true } } });
        return `{ kind: gitlab, api: "${forge.url}", repository: ${REPO} }`;
      },
    });
    repos.push(base.repo);
    const { branch } = base;
    const mrs = new MergeRequests({ host: forge.url.replace(/\/api\/v4$/, ''), token: 'glpat-good' });
    const request = async (target: string) => (await forge.mergeRequests(REPO)).find((m) => m.target === target && m.source === branch);
    return { ...base, mrs, request };
  }

  it('opens the merge request, waits for its approval and pipeline, tags GitLab\'s merge commit, back-merges, then deletes the branch', async () => {
    const s = await scenario({ file: 'coupon.js', content: 'module.exports = (c) => c?.percent ?? 0;\n' });
    const incident = await s.cli(['incident', 'create', '--severity=sev1', '--title=Checkout fails without a coupon', '--impact=high', '--json']);
    assert.equal(incident.code, 0, incident.err);
    const id = (JSON.parse(incident.out) as { incident: { id: string } }).incident.id;

    const first = await s.cli(['finish']);
    assert.equal(first.code, 3, `waiting is a resumable stop: ${first.err}${first.out}`);
    assert.match(first.err, /waits for its production request to be merged: (merge|pull) request #1 open, mergeability being computed/);
    assert.match(first.err, new RegExp(`Open it: ${forge.url.replace(/\/api\/v4$/, '')}/acme/shop/-/merge_requests/1`));
    const opened = await s.request('production');
    assert.ok(opened, 'a merge request from the hotfix branch into production');
    assert.equal(opened.title, 'Hotfix PAY-7: null coupon');
    assert.equal(opened.removeSource, false, 'the source branch is kept for the back-merges');
    for (const part of ['https://tracker.example/browse/PAY-7', `${id} (SEV1): Checkout fails without a coupon`, 'fix: guard a null coupon', s.fixSha.slice(0, 8)]) {
      assert.ok(opened.description?.includes(part), `the description carries ${part}:\n${opened.description ?? ''}`);
    }
    assert.equal(s.remote('rev-parse', `refs/heads/${s.branch}`), s.fixSha, 'the hotfix branch was pushed');
    assert.equal(s.remote('tag', '--list', 'v1.10.1'), '', 'no tag before the merge');

    const blocked = await s.cli(['finish', '--continue', '--json']);
    assert.equal(blocked.code, 3);
    const waiting = JSON.parse(blocked.out) as { waiting: string; pull: { mergeState: string; mergeable: boolean; checks: { pending: string[] }; reviews: { approved: string[] } } };
    assert.equal(waiting.waiting, 'production');
    assert.deepEqual([waiting.pull.mergeState, waiting.pull.mergeable, waiting.pull.checks.pending, waiting.pull.reviews.approved], ['blocked', true, ['pipeline'], []], 'not_approved: blocked');

    await forge.approve(REPO, opened.iid, { user: 'grace-reviewer' });
    forge.setPipeline(REPO, s.fixSha, 'success');
    const ready = JSON.parse((await s.cli(['finish', '--continue', '--json'])).out) as typeof waiting;
    assert.deepEqual([ready.pull.mergeState, ready.pull.reviews.approved], ['clean', ['grace-reviewer']], 'mergeable: clean, and still waiting for a person to merge');
    const merged = await forge.merge(REPO, opened.iid);
    assert.ok(merged.merged, JSON.stringify(merged));
    assert.equal(s.remote('log', '-1', '--format=%B', 'production'), `Merge branch '${s.branch}' into 'production'\n\nHotfix PAY-7: null coupon\n\nSee merge request acme/shop!1`);

    const back = await s.cli(['finish', '--continue']);
    assert.equal(back.code, 3, `now waiting for the back-merges: ${back.err}${back.out}`);
    assert.match(back.err, /waits for its develop request/);
    assert.equal(s.remote('rev-parse', 'v1.10.1^{commit}'), merged.sha, 'the merge commit GitLab made is tagged with the next patch version, and pushed');
    assert.equal(s.remote('cat-file', '-t', 'v1.10.1'), 'tag', 'an annotated tag');
    for (const target of ['develop', 'release/2.0']) {
      const m = await s.request(target);
      assert.ok(m, `a back-merge merge request into ${target}`);
      assert.equal(m.title, `Back-merge ${s.branch} into ${target}: null coupon`);
      const done = await forge.merge(REPO, m.iid);
      assert.ok(done.merged, `${target}: ${JSON.stringify(done)}`);
    }

    const finished = await s.cli(['finish', '--continue']);
    assert.equal(finished.code, 0, finished.err + finished.out);
    assert.match(finished.out, /Tagged v1\.10\.1/);
    assert.equal(s.remote('branch', '--list', s.branch), '', 'deleted on the remote once merged everywhere');
    assert.equal(s.repo.git('branch', '--list', s.branch), '', 'and here');
    for (const target of ['develop', 'release/2.0']) assert.equal(s.remote('merge-base', '--is-ancestor', s.fixSha, target), '', `${target} has the fix`);
    const events = JSON.stringify((JSON.parse((await s.cli(['incident', 'show', `--id=${id}`, '--json'])).out) as { incident: { events: unknown[] } }).incident.events);
    assert.match(events, /"type":"pull-request".*"into":"production".*"state":"opened"/);
    assert.match(events, /"type":"pull-request"[^}]*"into":"production"[^}]*"state":"merged"/);
    assert.match(events, /"type":"hotfix-finished"/);
    const actions = s.audit();
    for (const a of ['hotfix.finish.start', 'hotfix.finish.push-branch', 'hotfix.finish.pull-request', 'hotfix.finish.merged', 'hotfix.finish.tag', 'hotfix.finish.delete-branch', 'hotfix.finish.done']) assert.ok(actions.includes(a), `audited: ${a}`);
  });

  it('a back-merge that conflicts says so with the commands that resolve it, and goes on once GitLab sees the resolution merged', async () => {
    const s = await scenario({ file: 'app.js', content: 'module.exports = (order) => order?.total ?? 0;\n' });
    assert.equal((await s.cli(['finish'])).code, 3);
    const prod = await s.request('production');
    assert.ok(prod);
    await forge.approve(REPO, prod.iid, { user: 'grace-reviewer' });
    forge.setPipeline(REPO, s.fixSha, 'success');
    assert.ok((await forge.merge(REPO, prod.iid)).merged);
    // GitLab says "checking" first: the first look may not know yet.
    let conflict = await s.cli(['finish', '--continue']);
    if (!/conflicts with develop/.test(conflict.err)) conflict = await s.cli(['finish', '--continue']);
    assert.equal(conflict.code, 3);
    assert.match(conflict.err, /It conflicts with develop: git fetch origin && git switch -c [^ ]+-into-develop origin\/develop; git merge --no-ff /);
    assert.equal((await s.request('develop'))?.detailedMergeStatus, 'conflict');
    // As the person does: resolve both back-merges on branches of their own, and have them merged through GitLab.
    const resolutions: string[] = [];
    for (const target of ['develop', 'release/2.0']) {
      const resolution = `${s.branch}-into-${target.replace('/', '-')}`;
      s.repo.git('fetch', '--quiet', 'origin');
      s.repo.git('switch', '--quiet', '-c', resolution, `origin/${target}`);
      spawnSync('git', ['merge', '--no-ff', '--no-edit', s.branch], { cwd: s.repo.work });
      writeFileSync(path.join(s.repo.work, 'app.js'), 'module.exports = (order) => (order?.total ?? 0) * (order?.rate ?? 1);\n');
      s.repo.git('commit', '--quiet', '-am', `Merge ${s.branch} into ${target}`);
      s.repo.git('push', '--quiet', 'origin', resolution);
      const created = await s.mrs.create(REPO, resolution, target, `Resolve ${target}`);
      forge.setPipeline(REPO, created.sha, 'success');
      const done = await forge.merge(REPO, created.iid);
      assert.ok(done.merged, JSON.stringify(done));
      resolutions.push(done.sha);
      s.repo.git('switch', '--quiet', s.branch);
    }
    const done = await s.cli(['finish', '--continue']);
    assert.equal(done.code, 0, done.err + done.out);
    assert.equal(s.remote('branch', '--list', s.branch), '');
    // GitLab marks a merge request merged once its target contains its head: the finish has nothing left to close.
    const moot = (await forge.mergeRequests(REPO)).filter((m) => m.source === s.branch && m.target !== 'production');
    assert.deepEqual(moot.map((m) => [m.target, m.state, m.mergeCommitSha]), [['develop', 'merged', resolutions[0]], ['release/2.0', 'merged', resolutions[1]]]);
    assert.ok(!forge.requests.some((r) => r.method === 'PUT' && r.endpoint === 'merge_requests/update'), 'none closed');
  });

  it('abort closes the merge request it opened and deletes only the branch it pushed', async () => {
    const s = await scenario({ file: 'coupon.js', content: 'module.exports = 0;\n' });
    s.remote('branch', 'keep-me', 'production');
    assert.equal((await s.cli(['finish'])).code, 3);
    assert.equal((await s.request('production'))?.state, 'opened');
    const aborted = await s.cli(['finish', '--abort']);
    assert.equal(aborted.code, 0, aborted.err + aborted.out);
    assert.match(aborted.out, /closed #1 into production; deleted .* from origin/);
    const closed = await s.request('production');
    assert.deepEqual([closed?.state, closed?.closedBy], ['closed', 'ada-oncall']);
    assert.equal(s.remote('branch', '--list', s.branch), '', 'the branch it pushed is gone');
    assert.notEqual(s.remote('branch', '--list', 'keep-me'), '', 'nothing else');
    assert.equal(s.repo.git('rev-parse', s.branch), s.fixSha, 'the hotfix keeps its commits here');
    const again = await s.cli(['finish', '--continue']);
    assert.match(again.err, /No finish is in progress/);
  });

  it('an expired token is refused with a clear line before anything is pushed or recorded', async () => {
    const s = await scenario({ file: 'coupon.js', content: 'module.exports = 1;\n' });
    const before = s.audit();
    const refused = await s.cli(['finish'], 'glpat-old');
    assert.equal(refused.code, 2, refused.err);
    assert.match(refused.err, /^hotfix-deployer: GitLab acme\/shop: read the project: 401 Unauthorized \(HTTP 401\)\./);
    assert.match(refused.err, /token is expired or wrong/);
    assert.ok(!refused.err.includes('glpat-old') && !refused.out.includes('glpat-old'), 'the token is never printed');
    assert.equal(s.remote('branch', '--list', s.branch), '', 'nothing pushed');
    assert.deepEqual(await forge.mergeRequests(REPO), [], 'no merge request');
    assert.deepEqual(s.audit(), before, 'no audit line');
    assert.ok(!existsSync(path.join(s.repo.work, '.git', 'hotfix', 'finish.json')), 'no finish state');
  });
});
