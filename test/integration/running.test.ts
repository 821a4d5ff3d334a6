import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runningReport, type RunningReport } from '../../src/app/running';
import { apps, type Apps } from './fixtures/apps';
import { kubeCluster, KUBE_START_TIMEOUT_MS, waitFor, type KubeCluster } from './fixtures/cluster';
import { runNode } from './fixtures/process';
import { gitflowRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

describe('running: the commit a target really runs (real control plane, real git, built dist/cli.js)', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let k: Apps;
  let repo: Repo;
  let ns: string;
  // gitflowRepo: production v1.9.0 -> v1.10.0 (the production release), develop one feature commit ahead, release/2.0 one more.
  const sha = { v190: '', v1100: '', feature: '', release: '' };
  const cli = (...args: string[]) => runNode([CLI, ...args, `--kubeconfig=${cluster.kubeconfig}`], { cwd: repo.work });
  const plain = (...args: string[]) => runNode([CLI, ...args], { cwd: repo.work });
  const report = async (target: string): Promise<RunningReport> => {
    const r = await runningReport(repo.work, target, { kubeconfig: cluster.kubeconfig });
    if (!r.ok) throw new Error(`${r.reason}\n${r.hint ?? ''}`);
    return r.value;
  };
  const revision = async (name: string) => Number((await k.apps.readNamespacedDeployment({ name, namespace: ns })).metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0);

  /** A Deployment whose pod template carries `annotations`, as a pipeline or an earlier tool would leave it. */
  async function annotated(name: string, image: string, annotations: Record<string, string>): Promise<void> {
    const labels = { app: name };
    await k.apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name, labels },
        spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels, annotations }, spec: { containers: [{ name: 'app', image }] } } },
      },
    });
    await waitFor(`${name}'s first revision`, async () => (await revision(name)) === 1);
  }

  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    k = await apps(cluster);
    ns = await cluster.namespace('running');
    repo = gitflowRepo();
    Object.assign(sha, { v190: repo.sha('v1.9.0^{commit}'), v1100: repo.sha('v1.10.0^{commit}'), feature: repo.sha('develop'), release: repo.sha('release/2.0') });
    mkdirSync(path.join(repo.work, '.hotfix'));
    const target = (name: string, app: string, extra = '') => `  ${name}:\n    namespace: ${ns}\n    app: ${app}\n${extra}`;
    writeFileSync(
      path.join(repo.work, '.hotfix', 'config.yaml'),
      'targets:\n' +
        target('annotated', 'web-a') +
        target('oci', 'web-o') +
        target('pattern', 'web-p', '    tagPattern: "registry.example/shop:rel-{version}"\n') +
        target('tagged', 'web-t') +
        target('sha', 'web-s') +
        target('nothing', 'web-n', '    image: "shop:{version}"\n') +
        target('drifted', 'web-d') +
        target('deployed', 'web-x') +
        target('colours', 'bg', '    strategy: blue-green\n'),
    );
    await Promise.all([
      annotated('web-a', 'shop:build-7', { 'hotfix-deployer.io/git-sha': sha.feature, 'hotfix-deployer.io/image': 'shop:build-7', 'hotfix-deployer.io/branch': 'develop' }),
      annotated('web-o', 'shop:nightly', { 'org.opencontainers.image.revision': sha.release }),
      k.deployment(ns, 'web-p', 'registry.example/shop:rel-1.9.0', { app: 'web-p' }, 1),
      k.deployment(ns, 'web-t', 'shop:1.10.0', { app: 'web-t' }, 1),
      k.deployment(ns, 'web-s', `shop:sha-${sha.feature.slice(0, 8)}`, { app: 'web-s' }, 1),
      k.deployment(ns, 'web-n', 'shop:nightly-2024', { app: 'web-n' }, 1),
      k.deployment(ns, 'web-d', 'shop:1.9.0', { app: 'web-d' }, 1),
      k.deployment(ns, 'web-x', 'shop:0.1', { app: 'web-x' }, 1),
      k.deployment(ns, 'bg-blue', 'shop:1.9.0', { app: 'bg', colour: 'blue' }, 1),
      k.deployment(ns, 'bg-green', 'shop:1.10.0', { app: 'bg', colour: 'green' }, 1),
      k.service(ns, 'bg', { app: 'bg', colour: 'green' }),
    ]);
  });
  after(() => {
    k?.dispose();
    repo?.dispose();
  });

  it("annotation: the tool's pod-template annotation maps while it names the image; after kubectl set image it is stale and not trusted", async () => {
    const before = await report('annotated');
    assert.deepEqual([before.running.commit.via, before.running.commit.sha, before.running.commit.branch], ['annotation', sha.feature, 'develop']);
    assert.equal(before.running.replicaSet?.startsWith('web-a-'), true);
    assert.deepEqual([before.drift?.relation, before.drift?.ahead, before.drift?.expected], ['ahead', 1, 'v1.10.0']);

    // What `kubectl set image deployment/web-a app=shop:1.9.0` does: the image changes, the annotations stay.
    const { PatchStrategy, setHeaderOptions } = await import('@kubernetes/client-node');
    await k.apps.patchNamespacedDeployment(
      { name: 'web-a', namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'shop:1.9.0' }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    await waitFor('the new revision of web-a', async () => (await revision('web-a')) === 2);
    const after = await report('annotated');
    assert.deepEqual([after.running.commit.via, after.running.commit.sha, after.running.revision], ['image-tag', sha.v190, 2]);
    assert.match(after.running.tried[0] ?? '', /annotation: hotfix-deployer\.io\/git-sha \w+ is stale: it was written for shop:build-7, but app runs shop:1\.9\.0/);
  });

  it('oci-revision: org.opencontainers.image.revision in the pod template maps to its commit', async () => {
    const r = await report('oci');
    assert.deepEqual([r.running.commit.via, r.running.commit.sha], ['oci-revision', sha.release]);
  });

  it('tag-pattern: targets.<t>.tagPattern reads the version, mapped to its release tag', async () => {
    const r = await report('pattern');
    assert.deepEqual([r.running.commit.via, r.running.commit.sha, r.running.commit.tag], ['tag-pattern', sha.v190, 'v1.9.0']);
  });

  it('image-tag: a tag equal to a git tag (with the tag prefix) maps to it; the production release itself is no drift', async () => {
    const r = await report('tagged');
    assert.deepEqual([r.running.commit.via, r.running.commit.sha, r.running.commit.tag], ['image-tag', sha.v1100, 'v1.10.0']);
    assert.equal(r.drift, undefined);
    const shown = await cli('running', '--target=tagged');
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /production v1\.10\.0 \(\w{8}\): the same commit, no drift/);
  });

  it('image-sha: sha-<commit> in the tag maps to that commit', async () => {
    const r = await report('sha');
    assert.deepEqual([r.running.commit.via, r.running.commit.sha], ['image-sha', sha.feature]);
  });

  it('nothing maps: the CLI names the images seen, every rule tried and the setting to add (exit 1)', async () => {
    const run = await cli('running', '--target=nothing');
    assert.equal(run.code, 1, run.out);
    assert.match(run.err, /Cannot tell which commit nothing runs: web-n \(revision 1\) runs app=shop:nightly-2024/);
    for (const rule of ['annotation', 'oci-revision', 'tag-pattern: shop:nightly-2024 does not match shop:\\{version\\}', 'image-tag', 'image-sha']) assert.match(run.err, new RegExp(`- ${rule}`));
    assert.match(run.err, /Set targets\.nothing\.tagPattern in \.hotfix\/config\.yaml/);
  });

  it('drift: running and create --from=running name both commits, record the drift, and branch where the person chooses', async () => {
    const declared = await plain('incident', 'create', '--severity=sev1', '--title=Checkout errors', '--impact=high', '--json');
    assert.equal(declared.code, 0, declared.err + declared.out);
    const id = (JSON.parse(declared.out) as { incident: { id: string } }).incident.id;

    const shown = await cli('running', '--target=drifted');
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /web-d revision 1 .* runs app=shop:1\.9\.0/);
    assert.match(shown.out, new RegExp(`commit ${sha.v190.slice(0, 8)} via image-tag: image tag 1\\.9\\.0 = git tag v1\\.9\\.0`));
    assert.match(shown.out, new RegExp(`DRIFT: the cluster runs ${sha.v190.slice(0, 12)}, which is 1 commit behind v1\\.10\\.0 \\(${sha.v1100.slice(0, 12)}\\)`));
    assert.match(shown.out, new RegExp(`Drift recorded in ${id}'s timeline`));

    assert.equal((await cli('create', '--issue=PROD-9', '--from=running')).code, 2, '--from=running needs --target');
    const refused = await cli('create', '--issue=PROD-9', '--title=guard coupon', '--from=running', '--target=drifted');
    assert.equal(refused.code, 2, refused.err);
    assert.match(refused.err, new RegExp(`Drift on drifted: it runs ${sha.v190} \\(shop:1\\.9\\.0, via image-tag\\), but the production release is v1\\.10\\.0 at ${sha.v1100}`));
    assert.match(refused.err, /--from=running --target=drifted --on-drift=running .*# branch from what runs/);
    assert.match(refused.err, /--on-drift=tag .*# branch from v1\.10\.0/);
    assert.equal(repo.git('branch', '--list', 'hotfix/*'), '', 'nothing was created');

    const created = await cli('create', '--issue=PROD-9', '--title=guard coupon', '--from=running', '--target=drifted', '--on-drift=running', '--json');
    assert.equal(created.code, 0, created.err + created.out);
    const { hotfix } = JSON.parse(created.out) as { hotfix: { branch: string; baseline: { ref: string; sha: string; tag?: string } } };
    assert.deepEqual(hotfix.baseline, { ref: 'running:drifted', sha: sha.v190, tag: 'v1.9.0', version: '1.9.0' });
    assert.equal(repo.git('rev-parse', 'HEAD'), sha.v190, 'the branch starts at the running commit');
    assert.equal(repo.git('branch', '--show-current'), 'hotfix/PROD-9-guard-coupon');

    const incident = JSON.parse((await plain('incident', 'show', `--id=${id}`, '--json')).out) as { incident: { events: { type: string; runningSha?: string; expectedSha?: string; via?: string; target?: string }[] } };
    const drifts = incident.incident.events.filter((e) => e.type === 'drift-found');
    assert.ok(drifts.length >= 1, 'drift-found is in the timeline');
    assert.deepEqual(drifts.map((d) => [d.target, d.runningSha, d.expectedSha, d.via])[0], ['drifted', sha.v190, sha.v1100, 'image-tag']);
    repo.git('switch', '--quiet', 'production');
    assert.equal((await plain('incident', 'resolve', `--id=${id}`, '--root-cause=drift', '--action-items=tag deploys')).code, 0);
  });

  it('a deploy through the tool annotates the pod template: running then maps via annotation to the deployed commit', async () => {
    repo.git('switch', '--quiet', 'develop');
    try {
      const deployed = await cli('deploy', '--target=deployed', '--image=shop:build-99');
      assert.equal(deployed.code, 0, deployed.err);
      const r = await report('deployed');
      assert.deepEqual([r.running.commit.via, r.running.commit.sha, r.running.commit.branch], ['annotation', sha.feature, 'develop']);
      const shown = await cli('running', '--target=deployed', '--json');
      assert.equal(shown.code, 0, shown.err);
      const json = JSON.parse(shown.out) as { running: { commit: { via: string; sha: string } }; drift: { relation: string; runningSha: string } | null };
      assert.deepEqual([json.running.commit.via, json.drift?.relation, json.drift?.runningSha], ['annotation', 'ahead', sha.feature]);
    } finally {
      repo.git('switch', '--quiet', 'production');
    }
  });

  it('blue-green: maps the colour the Service selects, and follows a switch', async () => {
    const green = await report('colours');
    assert.deepEqual([green.running.deployment, green.running.commit.sha], ['bg-green', sha.v1100]);
    const { PatchStrategy, setHeaderOptions } = await import('@kubernetes/client-node');
    await k.core.patchNamespacedService({ name: 'bg', namespace: ns, body: { spec: { selector: { app: 'bg', colour: 'blue' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const blue = await report('colours');
    assert.deepEqual([blue.running.deployment, blue.running.commit.sha, blue.drift?.relation], ['bg-blue', sha.v190, 'behind']);
  });
});
