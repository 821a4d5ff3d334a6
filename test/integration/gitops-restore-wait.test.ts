// Issue #19: `gitops restore --wait` waits for the GitOps manifests pull request to be merged, then
// checks git again and restores auto-sync. Argo CD owns web (auto-sync paused by the tool); the
// manifests repository still says the bad web:2.0 while web:1.3 runs; the change that makes git say
// web:1.3 is pushed and opened as a pull request on the contract-validated fake GitHub
// (test/forge/github.mjs, over the manifests repository's real bare remote). Real control plane with
// the Application CRD (no Argo CD controller), the built CLI. The fake answers from this process,
// so the CLI runs asynchronously.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Octokit } from '@octokit/rest';
import { MergeRequests } from '@gitbeaker/rest';
import { GithubForge } from '../../src/adapters/forge/github';
import { GitlabForge } from '../../src/adapters/forge/gitlab';
import type * as Github from '../forge/github.mjs';
import type * as Gitlab from '../forge/gitlab.mjs';
import { apps, type Apps } from './fixtures/apps';
import { importScript, kubeCluster, KUBE_START_TIMEOUT_MS, type KubeCluster } from './fixtures/cluster';
import { createGitFixture, type GitFixture } from './fixtures/git';
import { APPLICATION, gitops, type GitOps } from './fixtures/gitops';
import { runNode, type Ran } from './fixtures/process';
import { gitflowRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const FILE = 'apps/web/deployment.yaml';
const REPO = 'acme/infra';
const TOKEN = 'ghp_good';
const AUTOMATED = { prune: true, selfHeal: true };
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const manifest = (image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: app\n        image: ${image}\n`;

interface Scenario {
  readonly ns: string;
  readonly incident: string;
  /** The pull request the prepared change was opened as; undefined when it was not pushed. */
  readonly pull?: { readonly number: number; readonly url: string };
  cli(...args: string[]): Promise<Ran>;
  /** Whether auto-sync of the Application is on (its automated policy, as it was before the pause). */
  automated(): Promise<unknown>;
  events(): Promise<{ type: string; reason?: string }[]>;
}

describe('gitops restore waits for the manifests pull request to be merged (CLI, contract-validated fake GitHub, real control plane)', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let k: Apps;
  let g: GitOps;
  let forge: Github.GithubForge | undefined;
  const disposables: { dispose(): void }[] = [];

  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    [k, g] = await Promise.all([apps(cluster), gitops(cluster)]);
  });
  after(async () => {
    await forge?.close();
    k?.dispose();
    for (const d of disposables) d.dispose();
  });
  afterEach(() => {
    assert.deepEqual(forge?.violations ?? [], [], `every request held to GitHub's description:\n${forge?.violations.join('\n') ?? ''}`);
  });

  /**
   * web runs web:1.3; git says web:2.0; Argo CD's auto-sync paused for an open incident; the change that
   * makes git say web:1.3 prepared and (unless `push` is false) pushed and opened as a pull request.
   */
  async function scenario(push = true): Promise<Scenario> {
    const infra: GitFixture = createGitFixture();
    disposables.push(infra);
    mkdirSync(path.join(infra.work, 'apps', 'web'), { recursive: true });
    infra.commit(FILE, manifest('web:1.3'), 'web 1.3');
    infra.commit(FILE, manifest('web:2.0'), 'Deploy web 2.0');
    infra.git('push', '--quiet', 'origin', 'main');
    // A fake per scenario, whose acme/infra is this scenario's bare remote (a restart costs milliseconds).
    const { startGithubForge } = await importScript<typeof Github>('test/forge/github.mjs');
    await forge?.close();
    forge = await startGithubForge({ repos: { [REPO]: infra.remote }, tokens: { valid: [TOKEN] } });

    const ns = await cluster.namespace('restore-wait');
    await k.deployment(ns, 'web', 'web:1.3', { app: 'web' }, 1);
    await g.label(ns, 'deployment', 'web', { 'argocd.argoproj.io/instance': 'web' });
    await g.create(ns, APPLICATION, 'web', { syncPolicy: { automated: AUTOMATED } });

    const service: Repo = gitflowRepo();
    disposables.push(service);
    mkdirSync(path.join(service.work, '.hotfix'));
    writeFileSync(
      path.join(service.work, '.hotfix', 'config.yaml'),
      `targets:\n  web:\n    namespace: ${ns}\n    app: web\n    gitops:\n      argocdNamespace: ${ns}\n      manifests: { repo: ${JSON.stringify(infra.work)}, path: ${FILE}, forge: { kind: github, api: "${forge.url}", repository: ${REPO} } }\n`,
    );
    const env = { GITHUB_TOKEN: TOKEN, GH_TOKEN: '', GITLAB_TOKEN: '' };
    const cli = (...args: string[]) => runNode([CLI, ...args, ...(args[0] === 'gitops' ? [`--kubeconfig=${cluster.kubeconfig}`] : [])], { cwd: service.work, env });

    const declared = await cli('incident', 'create', '--severity=sev1', '--title=Checkout 500s after web 2.0', '--impact=high', '--json');
    assert.equal(declared.code, 0, declared.err);
    const incident = (JSON.parse(declared.out) as { incident: { id: string } }).incident.id;
    const paused = await cli('gitops', 'pause', '--target=web');
    assert.equal(paused.code, 0, paused.err + paused.out);
    const automated = async () => ((await g.get(ns, APPLICATION, 'web')).spec['syncPolicy'] as { automated?: unknown }).automated;
    assert.equal(await automated(), undefined, 'paused');
    const events = async () => (JSON.parse((await cli('incident', 'show', `--id=${incident}`, '--json')).out) as { incident: { events: { type: string; reason?: string }[] } }).incident.events;
    if (!push) return { ns, incident, cli, automated, events };

    const prepared = await cli('gitops', 'prepare', '--target=web', '--image=web:1.3', '--push', '--json');
    assert.equal(prepared.code, 0, prepared.err + prepared.out);
    const pull = (JSON.parse(prepared.out) as { pullRequest?: { number: number; url: string } }).pullRequest;
    assert.ok(pull, `the change was opened as a pull request: ${prepared.out}`);
    return { ns, incident, pull, cli, automated, events };
  }

  const pullGets = () => forge?.requests.filter((r) => r.operationId === 'pulls/get').length ?? 0;

  it('without waiting: refused while git says web:2.0, naming the open pull request and the wait that helps', async () => {
    const s = await scenario();
    const refused = await s.cli('gitops', 'restore', '--target=web');
    assert.equal(refused.code, 1, refused.err + refused.out);
    assert.match(refused.err, /Not restored: git still says web:2\.0 \(apps\/web\/deployment\.yaml on origin\/main\) while web:1\.3 runs/);
    assert.ok(refused.err.includes(`Pull request #${s.pull?.number} (${s.pull?.url}) carries the manifests change: pull request #${s.pull?.number} open`), refused.err);
    assert.match(refused.err, /run: hotfix-deployer gitops restore --target=web --wait {2}\(waits for pull request #1 to be merged, then restores\)/);
    assert.match(refused.err, /run: hotfix-deployer gitops restore --target=web --force/);
    assert.equal(await s.automated(), undefined, 'still paused');
    // --json: one document, with the request as data.
    const json = await s.cli('gitops', 'restore', '--target=web', '--json');
    const doc = JSON.parse(json.out) as { ok: boolean; request?: { number: number; view?: { state: string } }; commands: string[] };
    assert.deepEqual([doc.ok, doc.request?.number, doc.request?.view?.state], [false, s.pull?.number, 'open']);
    assert.ok(doc.commands.includes('hotfix-deployer gitops restore --target=web --wait'));
    assert.ok(!json.out.includes(TOKEN) && !json.err.includes(TOKEN) && !refused.err.includes(TOKEN), 'the token is never printed');
  });

  it('with the wait: polls the pull request, and once it is merged checks git again and restores auto-sync', async () => {
    const s = await scenario();
    const number = s.pull?.number ?? assert.fail('no pull request');
    const before = pullGets();
    const waiting = s.cli('gitops', 'restore', '--target=web', '--wait', '--timeout=60s', '--interval=200ms');
    // Merged by a maintainer once the restore has looked at it and polled it at least once.
    for (let i = 0; i < 300 && pullGets() < before + 2; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(pullGets() >= before + 2, 'the restore polls the pull request');
    assert.equal(await s.automated(), undefined, 'nothing restored while it is open');
    const merged = await forge?.merge(REPO, number);
    assert.ok(merged?.merged, JSON.stringify(merged));

    const done = await waiting;
    assert.equal(done.code, 0, done.err + done.out);
    assert.match(done.err, /waiting up to 1m for pull request #1 to be merged, asking every 200ms: http/);
    assert.match(done.err, /pull request #1 open, /);
    assert.match(done.err, /pull request #1 merged as [0-9a-f]{8}/);
    assert.match(done.out, /Waited for pull request #1: merged as [0-9a-f]{8}/);
    assert.match(done.out, /Restored auto-sync of Argo CD Application .*\/web/);
    assert.deepEqual(await s.automated(), AUTOMATED, 'the policy from before the pause');
    const restored = (await s.events()).filter((e) => e.type === 'gitops-restored');
    assert.equal(restored.length, 1);
    assert.match(restored[0]?.reason ?? '', /^restored by hand \(gitops restore\) by .+, after waiting for pull request #1 to be merged$/);
  });

  it('a short timeout with the pull request still open: exit 3, nothing restored, one JSON document', async () => {
    const s = await scenario();
    const done = await s.cli('gitops', 'restore', '--target=web', '--wait', '--timeout=1s', '--interval=200ms', '--json');
    assert.equal(done.code, 3, done.err + done.out);
    const doc = JSON.parse(done.out) as { ok: boolean; reason: string; waiting: string; pull: { number: number; state: string }; commands: string[] };
    assert.deepEqual([doc.ok, doc.waiting, doc.pull.number, doc.pull.state], [false, 'timeout', s.pull?.number, 'open']);
    assert.match(doc.reason, /^Not restored yet: pull request #1 open, .*after waiting 1s\.$/);
    assert.deepEqual(doc.commands, ['hotfix-deployer gitops restore --target=web --wait']);
    assert.equal(await s.automated(), undefined, 'still paused');
    assert.ok(!(await s.events()).some((e) => e.type === 'gitops-restored'));
    assert.equal((await forge?.pulls(REPO))?.[0]?.state, 'open');
  });

  it('the pull request closed without merging: a clear refusal that says to prepare again, nothing restored', async () => {
    const s = await scenario();
    const number = s.pull?.number ?? assert.fail('no pull request');
    await new Octokit({ auth: TOKEN, baseUrl: forge?.url, log: quiet }).pulls.update({ owner: 'acme', repo: 'infra', pull_number: number, state: 'closed' });
    const refused = await s.cli('gitops', 'restore', '--target=web', '--wait', '--timeout=10s', '--interval=200ms');
    assert.equal(refused.code, 1, refused.err + refused.out);
    assert.ok(refused.err.includes(`Not restored: pull request #${number} (${s.pull?.url}) was closed without merging, so git still says web:2.0 (apps/web/deployment.yaml on origin/main) while web:1.3 runs.`), refused.err);
    assert.match(refused.err, /Prepare the manifests change again and push it/);
    assert.match(refused.err, /run: hotfix-deployer gitops prepare --target=web --push/);
    // Without the wait, the hint says the same of it.
    const plain = await s.cli('gitops', 'restore', '--target=web');
    assert.match(plain.err, /Pull request #1 \(.+\) was closed without merging: prepare the manifests change again/);
    assert.doesNotMatch(plain.err, /--wait/, 'waiting would not help');
    assert.equal(await s.automated(), undefined, 'still paused');
  });

  it('no pull request carries the change: waiting is refused with what to do first; the flags are checked', async () => {
    const s = await scenario(false);
    const refused = await s.cli('gitops', 'restore', '--target=web', '--wait', '--timeout=5s');
    assert.equal(refused.code, 1, refused.err + refused.out);
    assert.match(refused.err, /no pull or merge request carries the manifests change to wait for\./);
    assert.match(refused.err, /Prepare the manifests change and push it/);
    assert.equal(await s.automated(), undefined, 'still paused');
    for (const [args, words] of [
      [['--timeout=5m'], /--timeout goes with --wait/],
      [['--wait', '--interval=soon'], /--interval=soon is not a duration/],
      [['--wait', '--force'], /--wait and --force ask for opposite things/],
    ] as const) {
      const bad = await s.cli('gitops', 'restore', '--target=web', ...args);
      assert.equal(bad.code, 2, bad.err);
      assert.match(bad.err, words);
    }
  });
});

describe('contract-validated fake forges: the newest request from a branch in any state (Forge.findLatest)', function () {
  this.timeout(60_000);
  let repo: GitFixture;
  // A repository per test: each merges the branch into main.
  beforeEach(() => {
    repo = createGitFixture();
    repo.git('switch', '--quiet', '-c', 'hotfix/web-1-3');
    repo.commit('web.yaml', 'image: web:1.3\n', 'web 1.3');
    repo.git('push', '--quiet', 'origin', 'hotfix/web-1-3');
    repo.git('switch', '--quiet', 'main');
  });
  afterEach(() => repo?.dispose());

  it('GitHub: a closed one, then the newer open one, then merged; none from another branch', async () => {
    const { startGithubForge } = await importScript<typeof Github>('test/forge/github.mjs');
    const fake = await startGithubForge({ repos: { [REPO]: repo.remote }, tokens: { valid: [TOKEN] } });
    try {
      const forge = new GithubForge({ kind: 'github', api: fake.url, repository: REPO, web: `${fake.url}/${REPO}` }, TOKEN);
      assert.equal(await forge.findLatest('hotfix/web-1-3'), undefined);
      const first = await forge.open({ head: 'hotfix/web-1-3', base: 'main', title: 'web 1.3', body: '' });
      await forge.close(first.number);
      assert.deepEqual([(await forge.findLatest('hotfix/web-1-3'))?.number, (await forge.findLatest('hotfix/web-1-3'))?.state], [first.number, 'closed']);
      const second = await forge.open({ head: 'hotfix/web-1-3', base: 'main', title: 'web 1.3 again', body: '' });
      assert.equal((await forge.findLatest('hotfix/web-1-3'))?.number, second.number);
      assert.ok((await fake.merge(REPO, second.number)).merged);
      const merged = await forge.findLatest('hotfix/web-1-3');
      assert.deepEqual([merged?.number, merged?.state], [second.number, 'merged']);
      assert.equal(await forge.findLatest('hotfix/other'), undefined);
      assert.deepEqual(fake.violations, [], fake.violations.join('\n'));
    } finally {
      await fake.close();
    }
  });

  it('GitLab: a closed one, then the newer open one, then merged; none from another branch', async () => {
    const { startGitlabForge } = await importScript<typeof Gitlab>('test/forge/gitlab.mjs');
    const fake = await startGitlabForge({ projects: { [REPO]: repo.remote }, tokens: { valid: ['glpat-good'] }, ci: false });
    try {
      const forge = new GitlabForge({ kind: 'gitlab', api: fake.url, repository: REPO, web: `${fake.url}/${REPO}` }, 'glpat-good');
      const mrs = new MergeRequests({ host: fake.url.replace(/\/api\/v4$/, ''), token: 'glpat-good' });
      assert.equal(await forge.findLatest('hotfix/web-1-3'), undefined);
      const first = await forge.open({ head: 'hotfix/web-1-3', base: 'main', title: 'web 1.3', body: '' });
      await forge.close(first.number);
      assert.deepEqual([(await forge.findLatest('hotfix/web-1-3'))?.number, (await forge.findLatest('hotfix/web-1-3'))?.state], [first.number, 'closed']);
      const second = await forge.open({ head: 'hotfix/web-1-3', base: 'main', title: 'web 1.3 again', body: '' });
      assert.equal((await forge.findLatest('hotfix/web-1-3'))?.number, second.number);
      // Read once so GitLab has checked it, then merged by a maintainer.
      await mrs.show(REPO, second.number);
      const done = await fake.merge(REPO, second.number);
      assert.ok(done.merged, JSON.stringify(done));
      const merged = await forge.findLatest('hotfix/web-1-3');
      assert.deepEqual([merged?.number, merged?.state], [second.number, 'merged']);
      assert.equal(await forge.findLatest('hotfix/other'), undefined);
      assert.deepEqual(fake.violations, [], fake.violations.join('\n'));
    } finally {
      await fake.close();
    }
  });
});
