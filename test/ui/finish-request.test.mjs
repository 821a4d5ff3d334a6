// A hotfix finished through GitLab merge requests, as an on-call engineer does it in the real workbench
// (its own session: this workspace's production is protected from the start). The remote is the
// contract-validated fake GitLab (test/forge/gitlab.mjs, in this process) over the workspace's real bare
// remote: one approval and a passing pipeline are required into production, and merges happen in the
// bare remote as GitLab makes them. The token goes in through Hotfix: Set GitLab Token… (a password
// box, checked against the project); Finish Hotfix and Continue Finish run from the palette; the
// Hotfixes view shows the merge request's approvals, pipeline and mergeability as GitLab reports them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, describe, it } from 'mocha';
import { startGitlabForge } from '../forge/gitlab.mjs';
import { Session } from '../host/session.mjs';
import { createWorkspace } from '../host/workspace.mjs';
import { HOTFIX_ACTIVITY, say } from './fixture.mjs';
import { runCommand, seeNotification, TreeView } from './workbench.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = process.env.UI_SCREENSHOTS ?? path.join(ROOT, 'out/ui-screenshots', new Date().toISOString().replace(/[:.]/g, '-'));
const PROJECT = 'acme/shop';
const BRANCH = 'hotfix/PAY-7-null-coupon';
const GOOD = 'glpat-ui-good-3c1f9a';
const EXPIRED = 'glpat-ui-expired-77d0';

describe('UI: finishing a hotfix through GitLab merge requests from the palette (contract-validated fake GitLab, real bare remote)', function () {
  this.timeout(120_000);
  let session;
  let forge;
  let page;
  let workspace = '';
  let remote = '';
  let fixSha = '';
  let failed = false;
  const git = (...args) => execFileSync('git', args, { cwd: workspace, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const inRemote = (...args) => execFileSync('git', ['--git-dir', remote, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const request = async (target) => (await forge.mergeRequests(PROJECT)).find((m) => m.target === target && m.source === BRANCH);

  before(async function () {
    this.timeout(300_000);
    session = new Session({ prefix: 'ui-forge-', settings: { 'workbench.secondarySideBar.defaultVisibility': 'hidden' } });
    workspace = createWorkspace(session.file('ws'));
    remote = path.join(path.dirname(workspace), 'service.git');
    forge = await startGitlabForge({
      projects: { [PROJECT]: remote },
      tokens: { valid: [GOOD], expired: [EXPIRED] },
      rules: { [PROJECT]: { approvals: { production: 1 }, pipelinesMustSucceed: true } },
    });
    mkdirSync(path.join(workspace, '.hotfix'), { recursive: true });
    writeFileSync(
      path.join(workspace, '.hotfix', 'config.yaml'),
      `git:\n  model: gitflow\n  finish: pull-request\n  forge: { kind: gitlab, api: "${forge.url}", repository: ${PROJECT} }\nissueTracker: { urlTemplate: "https://tracker.example/browse/{issue}" }\n`,
    );
    // The hotfix and its fix are made before the window opens: this file is about the finish.
    execFileSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'create', '--issue=PAY-7', '--title=null coupon'], { cwd: workspace, stdio: 'pipe', env: { ...process.env, GITLAB_TOKEN: '' } });
    writeFileSync(path.join(workspace, 'app.js'), 'module.exports = (order) => order?.total ?? 0;\n');
    git('commit', '--quiet', '-am', 'fix: guard a null order');
    fixSha = git('rev-parse', 'HEAD');
    // No token from the environment: the one stored through the palette is the only one.
    await session.startServer({ env: { GITLAB_TOKEN: '', GITHUB_TOKEN: '', GH_TOKEN: '' } });
    page = await session.openWorkbench({ folder: workspace });
    page.setDefaultTimeout(30_000);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await page.locator(HOTFIX_ACTIVITY).waitFor({ timeout: 60_000 });
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
    assert.deepEqual(forge?.violations ?? [], [], `every request held to GitLab's documented API:\n${(forge?.violations ?? []).join('\n')}`);
  });
  after(async function () {
    this.timeout(60_000);
    if (failed && page) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, 'finish-request-failed.png') }).catch(() => undefined);
    }
    const kept = await session?.finish({ keep: failed || process.env.KEEP_LOGS === '1' });
    if (kept) say(`kept ${session.dir}`);
    await forge?.close();
  });

  const hotfixes = () => new TreeView(page, 'Hotfixes');
  const host = () => new URL(forge.url).host;

  it('Set GitLab Token… takes the token in a password box, refuses an expired one, and keeps one that reaches acme/shop', async () => {
    for (const [token, outcome] of [[EXPIRED, 'The token was not stored: '], [GOOD, `the GitLab token for ${host()} is stored; it reaches ${PROJECT}`]]) {
      const quick = await runCommand(page, 'Hotfix: Set GitLab Token…');
      await quick.step(`Hotfix: Set GitLab Token: ${host()}`);
      assert.equal(await quick.input.getAttribute('type'), 'password', 'the token is typed into a password box');
      await quick.type(token);
      await quick.accept();
      const shown = await seeNotification(page, outcome);
      assert.ok(!(await shown.innerText()).includes(token), 'the token is not shown');
    }
  });

  it('Finish Hotfix pushes the branch and opens the merge request into production, then waits for it', async () => {
    await runCommand(page, 'Hotfix: Finish Hotfix');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.getByText(`Finish ${BRANCH} through a merge request?`).waitFor();
    await dialog.getByRole('button', { name: 'Push and Open Request' }).click();
    await seeNotification(page, `The finish of ${BRANCH} waits for its production request to be merged: merge request #1 open`);
    const opened = await request('production');
    assert.ok(opened, 'a merge request from the hotfix branch into production');
    assert.equal(opened.title, 'Hotfix PAY-7: null coupon');
    assert.equal(inRemote('rev-parse', `refs/heads/${BRANCH}`), fixSha, 'the hotfix branch was pushed');
    assert.equal(inRemote('tag', '--list', 'v1.4.1'), '', 'no tag before the merge');
  });

  it("the Hotfixes view shows the merge request's approvals, pipeline and mergeability, live, with a button to open it", async () => {
    const view = hotfixes();
    await view.open();
    await view.seeRow(`Finishing ${BRANCH}`, 'waiting for #1 into production to be merged');
    const row = await view.seeRow('!1 into production', /^(blocked by the branch rules|mergeability being computed) · no approval yet · checks: pipeline pending$/);
    await row.hover();
    await row.locator('.action-label[aria-label="Open Pull Request"]').waitFor();
    // A reviewer approves and the pipeline passes on GitLab; Refresh reads it again.
    const opened = await request('production');
    await forge.approve(PROJECT, opened.iid, { user: 'grace-reviewer' });
    forge.setPipeline(PROJECT, fixSha, 'success');
    await runCommand(page, 'Hotfix: Refresh');
    await view.seeRow('!1 into production', 'ready to merge · approved by grace-reviewer · checks: 1 passed');
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'hotfixes-merge-request.png') });
  });

  it('once GitLab merged it, Continue Finish tags the merge commit v1.4.1 (annotated, pushed) and opens the back-merge into develop', async () => {
    const merged = await forge.merge(PROJECT, (await request('production')).iid, { user: 'grace-reviewer' });
    assert.ok(merged.merged, JSON.stringify(merged));
    await runCommand(page, 'Hotfix: Continue Finish');
    await seeNotification(page, `The finish of ${BRANCH} waits for its develop request to be merged`);
    assert.equal(inRemote('rev-parse', 'v1.4.1^{commit}'), merged.sha, "GitLab's merge commit carries the tag");
    assert.equal(inRemote('cat-file', '-t', 'v1.4.1'), 'tag', 'an annotated tag');
    const back = await request('develop');
    assert.ok(back, 'a back-merge request into develop');
    await hotfixes().seeRow('!1 into production', 'merged');
  });

  it('once the back-merge is merged, Continue Finish ends the finish and deletes the hotfix branch', async () => {
    const done = await forge.merge(PROJECT, (await request('develop')).iid, { user: 'grace-reviewer' });
    assert.ok(done.merged, JSON.stringify(done));
    await runCommand(page, 'Hotfix: Continue Finish');
    await seeNotification(page, `Finished ${BRANCH}, tagged v1.4.1`);
    assert.equal(inRemote('branch', '--list', BRANCH), '', 'deleted on the remote once merged everywhere');
    assert.equal(inRemote('merge-base', '--is-ancestor', fixSha, 'develop'), '', 'develop has the fix');
    await hotfixes().seeRow('production · v1.4.1');
  });
});
