// Issue #19: finishing a hotfix through pull requests, for a production branch the remote protects
// (git.finish: pull-request), with the CLI twin (built dist/cli.js) against the contract-validated fake
// GitHub (test/forge/github.mjs): every request the tool sends is held to GitHub's published description,
// and merges happen in the real bare remote, as GitHub would make them.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Octokit } from '@octokit/rest';
import type * as Forge from '../forge/github.mjs';
import { importScript } from './fixtures/cluster';
import { forgeRepo } from './fixtures/forge-repo';
import type { Repo } from './fixtures/repos';

const REPO = 'acme/shop';
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('finish through pull requests: a protected production (CLI, contract-validated fake GitHub, real bare remote)', function () {
  this.timeout(120_000);
  let forge: Forge.GithubForge;
  const repos: Repo[] = [];

  before(async function () {
    this.timeout(120_000);
    const { startGithubForge } = await importScript<typeof Forge>('test/forge/github.mjs');
    forge = await startGithubForge({ repos: {}, tokens: { valid: ['ghp_good'], expired: ['ghp_old'] } });
  });
  after(async () => {
    await forge?.close();
    for (const r of repos) r.dispose();
  });
  afterEach(() => {
    assert.deepEqual(forge.violations, [], `every request held to GitHub's description:\n${forge.violations.join('\n')}`);
  });

  /** A gitflow repository whose remote is `acme/shop` on the fake, production protected, and a hotfix branch with one fix. */
  async function scenario(fix: { file: string; content: string }, model: 'gitflow' | 'trunk' = 'gitflow') {
    // A fake per scenario, whose acme/shop is this scenario's bare remote (a restart costs milliseconds).
    const base = await forgeRepo({
      model,
      fix,
      tokenVariable: 'GITHUB_TOKEN',
      token: 'ghp_good',
      forge: async (remote) => {
        const { startGithubForge } = await importScript<typeof Forge>('test/forge/github.mjs');
        await forge.close();
        forge = await startGithubForge({ repos: { [REPO]: remote }, tokens: { valid: ['ghp_good'], expired: ['ghp_old'] }, protection: { [REPO]: { production: { requiredApprovals: 1, requiredChecks: ['ci'] } } } });
        return `{ kind: github, api: "${forge.url}", repository: ${REPO} }`;
      },
    });
    repos.push(base.repo);
    const octokit = new Octokit({ auth: 'ghp_good', baseUrl: forge.url, log: quiet });
    const pull = async (target: string) => (await forge.pulls(REPO)).find((p) => p.base === target && p.head === base.branch);
    return { ...base, octokit, pull };
  }

  it('opens the pull request, waits for its review and checks, tags the merge commit, back-merges, then deletes the branch', async () => {
    const s = await scenario({ file: 'coupon.js', content: 'module.exports = (c) => c?.percent ?? 0;\n' });
    const incident = await s.cli(['incident', 'create', '--severity=sev1', '--title=Checkout fails without a coupon', '--impact=high', '--json']);
    assert.equal(incident.code, 0, incident.err);
    const id = (JSON.parse(incident.out) as { incident: { id: string } }).incident.id;

    const first = await s.cli(['finish']);
    assert.equal(first.code, 3, `waiting is a resumable stop: ${first.err}${first.out}`);
    assert.match(first.err, /waits for its production request to be merged: pull request #1 open/);
    assert.match(first.err, /run hotfix-deployer finish --continue|finish --continue/);
    const opened = await s.pull('production');
    assert.ok(opened, 'a pull request from the hotfix branch into production');
    assert.equal(opened.title, 'Hotfix PAY-7: null coupon');
    for (const part of ['https://tracker.example/browse/PAY-7', `${id} (SEV1): Checkout fails without a coupon`, 'fix: guard a null coupon', s.fixSha.slice(0, 8)]) {
      assert.ok(opened.body?.includes(part), `the description carries ${part}:\n${opened.body ?? ''}`);
    }
    assert.equal(s.remote('rev-parse', `refs/heads/${s.branch}`), s.fixSha, 'the hotfix branch was pushed');
    assert.equal(s.remote('tag', '--list', 'v1.10.1'), '', 'no tag before the merge');

    const blocked = await s.cli(['finish', '--continue', '--json']);
    assert.equal(blocked.code, 3);
    const waiting = JSON.parse(blocked.out) as { waiting: string; pull: { mergeState: string; reviews: { approved: string[] } } };
    assert.equal(waiting.waiting, 'production');
    // status reads the request live from the forge: what stands between it and the merge.
    const shown = await s.cli(['status']);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /^ {2}waiting for pull request #1 into production: (blocked by the branch rules|mergeability being computed) · no approval yet · checks: (ci pending|none) {2}http:\/\/127\.0\.0\.1:\d+\/acme\/shop\/pull\/1$/m);

    forge.approve(REPO, opened.number, { user: 'grace-reviewer' });
    forge.setCheck(REPO, s.fixSha, 'ci', 'completed', 'success');
    const ready = JSON.parse((await s.cli(['status', '--json'])).out) as { requests: { into: string; merged: boolean; view: { mergeState: string; reviews: { approved: string[] }; checks: { passed: string[] } } }[] };
    assert.deepEqual(
      ready.requests.map((r) => [r.into, r.merged, r.view.mergeState, r.view.reviews.approved, r.view.checks.passed]),
      [['production', false, 'clean', ['grace-reviewer'], ['ci']]],
      'approved, its check passed, and still waiting for a person to merge it',
    );
    const merged = await forge.merge(REPO, opened.number);
    assert.ok(merged.merged, JSON.stringify(merged));

    const back = await s.cli(['finish', '--continue']);
    assert.equal(back.code, 3, `now waiting for the back-merges: ${back.err}${back.out}`);
    assert.match(back.err, /waits for its develop request/);
    assert.equal(s.remote('rev-parse', 'v1.10.1^{commit}'), merged.sha, 'the merge commit GitHub made is tagged with the next patch version, and pushed');
    assert.equal(s.remote('cat-file', '-t', 'v1.10.1'), 'tag', 'an annotated tag');
    for (const base of ['develop', 'release/2.0']) {
      const p = await s.pull(base);
      assert.ok(p, `a back-merge pull request into ${base}`);
      const done = await forge.merge(REPO, p.number);
      assert.ok(done.merged, `${base}: ${JSON.stringify(done)}`);
    }

    const finished = await s.cli(['finish', '--continue']);
    assert.equal(finished.code, 0, finished.err + finished.out);
    assert.match(finished.out, /Tagged v1\.10\.1/);
    assert.equal(s.remote('branch', '--list', s.branch), '', 'deleted on the remote once merged everywhere');
    assert.equal(s.repo.git('branch', '--list', s.branch), '', 'and here');
    for (const base of ['develop', 'release/2.0']) assert.equal(s.remote('merge-base', '--is-ancestor', s.fixSha, base), '', `${base} has the fix`);
    const events = JSON.stringify((JSON.parse((await s.cli(['incident', 'show', `--id=${id}`, '--json'])).out) as { incident: { events: unknown[] } }).incident.events);
    assert.match(events, /"type":"pull-request".*"into":"production".*"state":"opened"/);
    assert.match(events, /"type":"pull-request"[^}]*"into":"production"[^}]*"state":"merged"/);
    assert.match(events, /"type":"hotfix-finished"/);
    const actions = s.audit();
    for (const a of ['hotfix.finish.start', 'hotfix.finish.push-branch', 'hotfix.finish.pull-request', 'hotfix.finish.merged', 'hotfix.finish.tag', 'hotfix.finish.delete-branch', 'hotfix.finish.done']) assert.ok(actions.includes(a), `audited: ${a}`);
  });

  it('a back-merge that conflicts says so with the commands that resolve it, and goes on once the resolution is merged', async () => {
    const s = await scenario({ file: 'app.js', content: 'module.exports = (order) => order?.total ?? 0;\n' });
    assert.equal((await s.cli(['finish'])).code, 3);
    const prod = await s.pull('production');
    assert.ok(prod);
    forge.approve(REPO, prod.number, { user: 'grace-reviewer' });
    forge.setCheck(REPO, s.fixSha, 'ci', 'completed', 'success');
    assert.ok((await forge.merge(REPO, prod.number)).merged);
    // GitHub answers mergeable null first: the first look may not know yet.
    let conflict = await s.cli(['finish', '--continue']);
    if (!/conflicts with develop/.test(conflict.err)) conflict = await s.cli(['finish', '--continue']);
    assert.equal(conflict.code, 3);
    assert.match(conflict.err, /It conflicts with develop: git fetch origin && git switch -c [^ ]+-into-develop origin\/develop; git merge --no-ff /);
    // As the person does: resolve both back-merges on branches of their own, and have them merged.
    for (const base of ['develop', 'release/2.0']) {
      const resolution = `${s.branch}-into-${base.replace('/', '-')}`;
      s.repo.git('fetch', '--quiet', 'origin');
      s.repo.git('switch', '--quiet', '-c', resolution, `origin/${base}`);
      spawnSync('git', ['merge', '--no-ff', '--no-edit', s.branch], { cwd: s.repo.work });
      writeFileSync(path.join(s.repo.work, 'app.js'), 'module.exports = (order) => (order?.total ?? 0) * (order?.rate ?? 1);\n');
      s.repo.git('commit', '--quiet', '-am', `Merge ${s.branch} into ${base}`);
      s.repo.git('push', '--quiet', 'origin', resolution);
      const { data } = await s.octokit.pulls.create({ owner: 'acme', repo: 'shop', head: resolution, base, title: `Resolve ${base}` });
      assert.ok((await forge.merge(REPO, data.number)).merged);
      s.repo.git('switch', '--quiet', s.branch);
    }
    const done = await s.cli(['finish', '--continue']);
    assert.equal(done.code, 0, done.err + done.out);
    assert.equal(s.remote('branch', '--list', s.branch), '');
    const moot = (await forge.pulls(REPO)).filter((p) => p.head === s.branch && p.base !== 'production');
    assert.deepEqual(moot.map((p) => [p.base, p.state, p.merged]), [['develop', 'closed', false], ['release/2.0', 'closed', false]], 'the conflicting requests it opened are closed once their resolutions are merged');
  });

  it('trunk: the pull request into production, its tag, then the cherry-pick pull request into main', async () => {
    const s = await scenario({ file: 'coupon.js', content: 'module.exports = (c) => c?.percent ?? 0;\n' }, 'trunk');
    assert.equal((await s.cli(['finish'])).code, 3);
    const prod = await s.pull('production');
    assert.ok(prod);
    forge.approve(REPO, prod.number, { user: 'grace-reviewer' });
    forge.setCheck(REPO, s.fixSha, 'ci', 'completed', 'success');
    const merged = await forge.merge(REPO, prod.number);
    assert.ok(merged.merged);
    const picked = await s.cli(['finish', '--continue']);
    assert.equal(picked.code, 3, picked.err + picked.out);
    assert.match(picked.err, /waits for its main request/);
    assert.equal(s.remote('rev-parse', 'v3.1.1^{commit}'), merged.sha, 'the merge commit tagged with the next patch version');
    const toMain = (await forge.pulls(REPO)).find((p) => p.base === 'main');
    assert.equal(toMain?.head, `${s.branch}-to-main`, 'the cherry-picks come from a branch of their own, made from main');
    assert.equal(toMain?.title, `Cherry-pick ${s.branch} into main: null coupon`);
    assert.match(s.remote('log', '-1', '--format=%B', `${s.branch}-to-main`), new RegExp(`\\(cherry picked from commit ${s.fixSha}\\)`));
    assert.ok((await forge.merge(REPO, toMain.number)).merged);
    const done = await s.cli(['finish', '--continue']);
    assert.equal(done.code, 0, done.err + done.out);
    assert.match(s.remote('log', '--format=%B', 'main'), new RegExp(`cherry picked from commit ${s.fixSha}`), 'main has the fix');
    assert.equal(s.remote('branch', '--list', s.branch, `${s.branch}-to-main`), '', 'both branches deleted on the remote');
  });

  it('abort closes the pull request it opened and deletes only the branch it pushed', async () => {
    const s = await scenario({ file: 'coupon.js', content: 'module.exports = 0;\n' });
    s.remote('branch', 'keep-me', 'production');
    assert.equal((await s.cli(['finish'])).code, 3);
    const opened = await s.pull('production');
    assert.equal(opened?.state, 'open');
    const aborted = await s.cli(['finish', '--abort']);
    assert.equal(aborted.code, 0, aborted.err + aborted.out);
    assert.match(aborted.out, /closed #1 into production; deleted .* from origin/);
    assert.equal((await s.pull('production'))?.state, 'closed');
    assert.equal(s.remote('branch', '--list', s.branch), '', 'the branch it pushed is gone');
    assert.notEqual(s.remote('branch', '--list', 'keep-me'), '', 'nothing else');
    assert.equal(s.repo.git('rev-parse', s.branch), s.fixSha, 'the hotfix keeps its commits here');
    const again = await s.cli(['finish', '--continue']);
    assert.match(again.err, /No finish is in progress/);
  });

  it('a pushed GitOps manifests change is opened as a pull request through the API, and linked in the timeline', async () => {
    const s = await scenario({ file: 'coupon.js', content: 'module.exports = 2;\n' });
    // The manifests repository is the one the fake serves as acme/shop here: a clone with a Deployment manifest.
    const infra = path.join(s.repo.work, '..', 'infra');
    spawnSync('git', ['clone', '--quiet', s.repo.remote, infra]);
    spawnSync('git', ['-C', infra, 'switch', '--quiet', '-c', 'main']);
    mkdirSync(path.join(infra, 'apps'), { recursive: true });
    writeFileSync(path.join(infra, 'apps', 'web.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: web:1.0\n');
    for (const args of [['add', '.'], ['-c', 'user.name=Infra', '-c', 'user.email=infra@example.com', 'commit', '--quiet', '-m', 'web 1.0'], ['push', '--quiet', 'origin', 'main']]) spawnSync('git', ['-C', infra, ...args]);
    const config = path.join(s.repo.work, '.hotfix', 'config.yaml');
    writeFileSync(config, `${readFileSync(config, 'utf8')}targets:\n  web:\n    namespace: shop\n    app: web\n    gitops:\n      manifests: { repo: ../infra, path: apps/web.yaml, forge: { kind: github, api: "${forge.url}", repository: ${REPO} } }\n`);
    const incident = await s.cli(['incident', 'create', '--severity=sev2', '--title=web', '--impact=high', '--json']);
    const id = (JSON.parse(incident.out) as { incident: { id: string } }).incident.id;
    const prepared = await s.cli(['gitops', 'prepare', '--target=web', '--image=web:1.0.1', '--issue=PAY-7', '--push', '--json']);
    assert.equal(prepared.code, 0, prepared.err + prepared.out);
    const doc = JSON.parse(prepared.out) as { branch: string; pullRequest?: { number: number; url: string } };
    assert.ok(doc.pullRequest, `a request was opened: ${prepared.out}`);
    const pr = (await forge.pulls(REPO)).find((p) => p.number === doc.pullRequest?.number);
    assert.deepEqual([pr?.head, pr?.base, pr?.state], [doc.branch, 'main', 'open']);
    const events = JSON.stringify((JSON.parse((await s.cli(['incident', 'show', `--id=${id}`, '--json'])).out) as { incident: { events: unknown[] } }).incident.events);
    assert.match(events, new RegExp(`"type":"manifests-prepared"[^}]*"pullRequest":"${doc.pullRequest.url.replace(/[.?/]/g, '\\$&')}"`));
  });

  it('an expired token is refused with a clear line before anything is pushed or recorded', async () => {
    const s = await scenario({ file: 'coupon.js', content: 'module.exports = 1;\n' });
    const before = s.audit();
    const refused = await s.cli(['finish'], 'ghp_old');
    assert.equal(refused.code, 2, refused.err);
    assert.match(refused.err, /^hotfix-deployer: GitHub acme\/shop: read the repository: Bad credentials \(HTTP 401\)\./);
    assert.match(refused.err, /token is expired or wrong/);
    assert.ok(!refused.err.includes('ghp_old') && !refused.out.includes('ghp_old'), 'the token is never printed');
    assert.equal(s.remote('branch', '--list', s.branch), '', 'nothing pushed');
    assert.deepEqual(await forge.pulls(REPO), [], 'no pull request');
    assert.deepEqual(s.audit(), before, 'no audit line');
    assert.ok(!existsSync(path.join(s.repo.work, '.git', 'hotfix', 'finish.json')), 'no finish state');
  });
});
