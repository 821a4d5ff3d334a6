// The whole GitOps-safe rollback as an on-call engineer runs it: Argo CD (auto-sync with selfHeal)
// deployed a bad image from the manifests repository; `rollback --pause-gitops` pauses auto-sync,
// undoes the rollout, and prepares in the manifests clone the revert of the commit Argo CD applied;
// auto-sync is not restored while git still says the bad image; once the revert is merged,
// `incident resolve` restores it exactly as it was. Real control plane with the Application
// CRD (no Argo CD controller runs here), real git repositories with a bare remote, the built CLI.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { apps, type Apps } from './fixtures/apps';
import { kubeCluster, KUBE_START_TIMEOUT_MS, type KubeCluster } from './fixtures/cluster';
import { createGitFixture, type GitFixture } from './fixtures/git';
import { APPLICATION, gitops, type GitOps } from './fixtures/gitops';
import { runNode } from './fixtures/process';
import { gitflowRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const FILE = 'apps/web/deployment.yaml';

const manifest = (image: string, replicas = 2) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${replicas}\n  template:\n    spec:\n      containers:\n      - name: app\n        image: ${image} # set by CI\n`;

/** A diff without its header lines, so two diffs of different commits compare by content. */
const body = (diff: string) => diff.split('\n').filter((l) => !/^(diff |index )/.test(l)).join('\n');

describe('GitOps-safe rollback end to end: pause, roll back, revert in the manifests repository, restore at resolve (built dist/cli.js)', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let k: Apps;
  let g: GitOps;
  let infra: GitFixture;
  let service: Repo;

  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    [k, g] = await Promise.all([apps(cluster), gitops(cluster)]);
  });
  after(() => {
    k?.dispose();
    infra?.dispose();
    service?.dispose();
  });

  it('rolls back past Argo CD, prepares exactly the inverse of the bad manifests commit, and restores auto-sync when the incident resolves', async () => {
    // The manifests repository: 1.3 deployed, then the bad 2.0, then an unrelated change elsewhere.
    infra = createGitFixture();
    mkdirSync(path.join(infra.work, 'apps', 'web'), { recursive: true });
    infra.commit(FILE, manifest('web:1.3'), 'web 1.3');
    const bad = infra.commit(FILE, manifest('web:2.0'), 'Deploy web 2.0');
    infra.commit('README.md', '# infra\n\nOwned by the platform team.\n', 'docs');
    infra.git('push', '--quiet', 'origin', 'main');

    // The cluster as Argo CD left it: web at 2.0 (revision 2 over 1.3), labelled with its Application.
    const ns = await cluster.namespace('gitops-rollback');
    await k.deployment(ns, 'web', 'web:1.3', { app: 'web' }, 2);
    await k.apps.patchNamespacedDeployment(
      { name: 'web', namespace: ns, body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'web:2.0' }] },
    );
    await g.label(ns, 'deployment', 'web', { 'argocd.argoproj.io/instance': 'web' });
    await g.create(ns, APPLICATION, 'web', { syncPolicy: { automated: { prune: true, selfHeal: true } } }, { sync: { revision: bad } });
    for (let i = 0; i < 100 && (await k.apps.readNamespacedDeployment({ name: 'web', namespace: ns })).status?.updatedReplicas !== 2; i++) await new Promise((r) => setTimeout(r, 100));

    service = gitflowRepo();
    mkdirSync(path.join(service.work, '.hotfix'));
    writeFileSync(
      path.join(service.work, '.hotfix', 'config.yaml'),
      `targets:\n  web:\n    namespace: ${ns}\n    app: web\n    gitops:\n      argocdNamespace: ${ns}\n      manifests: { repo: ${JSON.stringify(infra.work)}, path: ${FILE} }\n`,
    );
    const cli = (...args: string[]) => runNode([CLI, ...args, `--kubeconfig=${cluster.kubeconfig}`], { cwd: service.work });
    const declared = await runNode([CLI, 'incident', 'create', '--severity=sev1', '--title=Checkout 500s after web 2.0', '--impact=high', '--json'], { cwd: service.work });
    assert.equal(declared.code, 0, declared.err);
    const id = (JSON.parse(declared.out) as { incident: { id: string } }).incident.id;

    const rolled = await cli('rollback', '--target=web', '--pause-gitops');
    assert.equal(rolled.code, 0, rolled.err + rolled.out);
    assert.equal(await k.image(ns, 'web'), 'web:1.3');
    const app = await g.get(ns, APPLICATION, 'web');
    assert.equal((app.spec['syncPolicy'] as { automated?: unknown }).automated, undefined, 'auto-sync is paused while the cluster differs from git');
    assert.match(rolled.out, /Paused auto-sync of Argo CD Application .*\/web/);
    assert.match(rolled.out, /Manifests[\s\S]*revert commit [0-9a-f]{12} on hotfix\/web-rollback-1-3/);

    // The prepared branch: one commit on origin/main that is exactly the inverse of the bad one.
    const branch = /revert commit [0-9a-f]{12} on (\S+)/.exec(rolled.out)?.[1] ?? '';
    assert.equal(infra.git('rev-parse', `${branch}^`), infra.git('rev-parse', 'origin/main'));
    assert.equal(body(infra.git('diff', `${branch}^`, branch)), body(infra.git('diff', bad, `${bad}^`)));
    assert.match(infra.git('log', '-1', '--format=%B', branch), new RegExp(`This reverts commit ${bad}`));
    assert.equal(infra.git('branch', '--show-current'), 'main', 'the clone stays on its branch');

    // The incident shows what it has paused and how to restore it, until it is restored.
    const open = await runNode([CLI, 'incident', 'show', `--id=${id}`], { cwd: service.work });
    assert.match(open.out, /paused {3}auto-sync of Argo CD Application .*\/web \(web\), was \{"prune":true,"selfHeal":true\}: hotfix-deployer gitops restore --target=web/);

    // Git still says web:2.0: restoring auto-sync now would put it back, so it is refused until the change is merged.
    const early = await cli('gitops', 'restore', '--target=web');
    assert.equal(early.code, 1, early.err + early.out);
    assert.match(early.err, /Not restored: git still says web:2\.0 \(apps\/web\/deployment\.yaml on origin\/main\) while web:1\.3 runs/);
    assert.equal(((await g.get(ns, APPLICATION, 'web')).spec['syncPolicy'] as { automated?: unknown }).automated, undefined, 'still paused');
    // The pull request is merged: main now says web:1.3.
    infra.git('push', '--quiet', 'origin', `${branch}:main`);

    const resolved = await cli('incident', 'resolve', `--id=${id}`, '--root-cause=web 2.0 broke checkout', '--action-items=merge the manifests revert');
    assert.equal(resolved.code, 0, resolved.err + resolved.out);
    assert.match(resolved.out, /Restored auto-sync of Argo CD Application .*\/web/);
    const restored = await g.get(ns, APPLICATION, 'web');
    assert.deepEqual((restored.spec['syncPolicy'] as { automated?: unknown }).automated, { prune: true, selfHeal: true });
    assert.equal(restored.metadata.annotations?.['hotfix-deployer.io/paused-by'], undefined);

    assert.doesNotMatch((await runNode([CLI, 'incident', 'show', `--id=${id}`], { cwd: service.work })).out, /paused {3}auto-sync/, 'restored: no longer listed');
    const shown = await runNode([CLI, 'incident', 'show', `--id=${id}`, '--json'], { cwd: service.work });
    const types = (JSON.parse(shown.out) as { incident: { events: { type: string }[] } }).incident.events.map((e) => e.type);
    for (const type of ['gitops-paused', 'rollback', 'manifests-prepared', 'gitops-restored', 'resolved']) assert.ok(types.includes(type), `${type} in ${types.join(', ')}`);
    assert.ok(types.indexOf('gitops-paused') < types.indexOf('manifests-prepared') && types.indexOf('gitops-restored') < types.indexOf('resolved'));
  });
});
