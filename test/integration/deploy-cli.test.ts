import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { apps, type Apps } from './fixtures/apps';
import { kubeCluster, KUBE_START_TIMEOUT_MS, waitFor, type KubeCluster } from './fixtures/cluster';
import { parse, stringify } from 'yaml';
import { gitflowRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

describe('CLI twin: deploy | rollback | targets through a kube context (built dist/cli.js, real control plane)', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let k: Apps;
  let repo: Repo;
  let ns: string;
  const plain = (...args: string[]) => {
    const run = spawnSync(process.execPath, [CLI, ...args], { cwd: repo.work, encoding: 'utf8' });
    return { code: run.status, out: run.stdout, err: run.stderr };
  };
  const cli = (...args: string[]) => plain(...args, `--kubeconfig=${cluster.kubeconfig}`);

  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    k = await apps(cluster);
    ns = await cluster.namespace('cli');
    await k.deployment(ns, 'checkout', 'checkout:1.4.0', { app: 'checkout' }, 6);
    repo = gitflowRepo();
    mkdirSync(path.join(repo.work, '.hotfix'));
    writeFileSync(
      path.join(repo.work, '.hotfix', 'config.yaml'),
      `targets:\n  staging:\n    namespace: ${ns}\n    app: checkout\n  production:\n    namespace: ${ns}\n    app: checkout\n    image: "checkout:{version}"\n`,
    );
  });
  after(() => {
    k?.dispose();
    repo?.dispose();
  });

  it('shows the context and namespace first, and refuses a protected target without --yes (exit 2)', () => {
    const denied = cli('deploy', '--target=production');
    assert.equal(denied.code, 2, denied.err);
    assert.match(denied.out, new RegExp(`target production \\(rolling, protected\\): context hotfix-test \\(https://127\\.0\\.0\\.1:\\d+\\), namespace ${ns}`));
    assert.match(denied.err, /production is protected: deploying checkout:1\.10\.0 .*--yes/s);
  });

  it('deploys, survives being killed mid-rollout (deploy --continue), lists targets, rolls back', async () => {
    const child = spawn(process.execPath, [CLI, 'deploy', '--target=staging', '--image=checkout:1.4.1', `--kubeconfig=${cluster.kubeconfig}`], { cwd: repo.work, stdio: 'ignore' });
    const stateFile = path.join(repo.work, '.git', 'hotfix', 'deploys', 'staging.json');
    await waitFor('the deploy to reach its rollout', () => existsSync(stateFile) && (JSON.parse(readFileSync(stateFile, 'utf8')) as { done: string[] }).done.includes('update'), 30_000, 20);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const again = cli('deploy', '--target=staging', '--image=checkout:1.4.2');
    assert.equal(again.code, 1);
    assert.match(again.err, /is unfinished[\s\S]*deploy --target=staging --continue/);
    const resumed = cli('deploy', '--target=staging', '--continue');
    assert.equal(resumed.code, 0, resumed.err);
    assert.match(resumed.out, /runs checkout:1\.4\.1/);

    const targets = cli('targets', '--json');
    assert.equal(targets.code, 0, targets.err);
    const listed = JSON.parse(targets.out) as { targets: { target: string; deployments: { images: string[]; available: number; revision: number }[] }[] };
    const staging = listed.targets.find((t) => t.target === 'staging');
    assert.deepEqual(staging?.deployments.map((d) => [d.images, d.available, d.revision]), [[['checkout:1.4.1'], 6, 2]]);

    const back = cli('rollback', '--target=staging', '--version=1');
    assert.equal(back.code, 0, back.err);
    assert.match(back.out, /Rolled back in \d+ ms: rolled checkout back from revision 2 to the template of revision 1 \(checkout:1\.4\.0\)/);
    assert.equal(await k.image(ns, 'checkout'), 'checkout:1.4.0');
  });

  it('Ctrl-C stops at a safe point (exit 3, state saved, lock released); deploy --continue finishes', async () => {
    const child = spawn(process.execPath, [CLI, 'deploy', '--target=staging', '--image=checkout:1.4.3', `--kubeconfig=${cluster.kubeconfig}`], { cwd: repo.work, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const stateFile = path.join(repo.work, '.git', 'hotfix', 'deploys', 'staging.json');
    await waitFor('this deploy to reach its rollout', () => {
      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { image: string; done: string[] };
      return state.image === 'checkout:1.4.3' && state.done.includes('update');
    }, 30_000, 20);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 3, err);
    assert.match(err, /SIGINT: stopping at the next safe point/);
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { stopped?: { step: string } };
    assert.equal(saved.stopped?.step, 'rollout');
    const leases = await k.coordination.listNamespacedLease({ namespace: ns });
    assert.deepEqual(leases.items.map((l) => l.metadata?.name), [], 'the lock was released');
    const resumed = cli('deploy', '--target=staging', '--continue');
    assert.equal(resumed.code, 0, resumed.err);
    assert.equal(await k.image(ns, 'checkout'), 'checkout:1.4.3');
  });

  it("fills the open incident's timeline: the hotfix branch, the deploy, the rollback", async () => {
    const declared = plain('incident', 'create', '--severity=sev1', '--title=Checkout errors', '--impact=high', '--json');
    assert.equal(declared.code, 0, declared.err + declared.out);
    const id = (JSON.parse(declared.out) as { incident: { id: string } }).incident.id;
    const branch = plain('create', '--issue=PROD-77', '--title=guard null order');
    assert.equal(branch.code, 0, branch.err);
    assert.match(branch.out, new RegExp(`Recorded in ${id}'s timeline`));
    const fix = repo.commit('order.js', 'export const guard = (o) => o ?? {};\n', 'Guard the null order');
    const finished = plain('finish');
    assert.equal(finished.code, 0, finished.err);
    assert.match(finished.out, new RegExp(`recorded in ${id}'s timeline`));
    const deployed = cli('deploy', '--target=staging', '--image=checkout:1.4.4');
    assert.equal(deployed.code, 0, deployed.err);
    assert.match(deployed.out, new RegExp(`recorded in ${id}'s timeline`));
    const d = await k.apps.readNamespacedDeployment({ name: 'checkout', namespace: ns });
    assert.equal(d.metadata?.annotations?.['hotfix-deployer.io/incident'], id, 'the deploy is annotated with the incident');
    assert.equal(cli('rollback', '--target=staging').code, 0);
    const shown = plain('incident', 'show', `--id=${id}`, '--json');
    const types = (JSON.parse(shown.out) as { incident: { timeline?: { type: string }[]; events?: { type: string }[] } }).incident;
    const events = (types.timeline ?? types.events ?? []).map((e) => e.type);
    for (const type of ['hotfix-created', 'hotfix-finished', 'deploy-started', 'deploy-succeeded', 'rollback']) assert.ok(events.includes(type), `${type} in ${events.join(', ')}`);
    const done = (types.events ?? []).find((e) => e.type === 'hotfix-finished') as unknown as { branch: string; tag?: string; into: string[]; commits: { sha: string; subject: string }[]; pushed: boolean };
    assert.equal(done.branch, 'hotfix/PROD-77-guard-null-order');
    assert.match(done.tag ?? '', /^v\d+\.\d+\.\d+$/);
    assert.deepEqual(done.into, ['production', 'develop', 'release/2.0'], 'gitflow: the open release branch gets the fix too');
    assert.deepEqual(done.commits, [{ sha: fix, subject: 'Guard the null order' }]);
    assert.equal(plain('incident', 'resolve', `--id=${id}`, '--root-cause=null order', '--action-items=validate orders').code, 0);
  });

  it('refuses a deploy naming an incident that does not exist, before touching the cluster', async () => {
    const before = await k.image(ns, 'checkout');
    const refused = cli('deploy', '--target=staging', '--image=checkout:9.9.9', '--incident=INC-20990101-DEAD');
    assert.equal(refused.code, 2, refused.err);
    assert.equal(await k.image(ns, 'checkout'), before);
  });

  it("authenticates as the kubeconfig's exec plugin says (a command printing an ExecCredential), and says so when the server refuses its token", async () => {
    type Kubeconfig = { users: { name: string; user: Record<string, unknown> }[] };
    const original = parse(readFileSync(cluster.kubeconfig, 'utf8')) as Kubeconfig;
    const token = original.users[0]?.user['token'];
    assert.ok(typeof token === 'string' && token !== '', 'the test cluster authenticates by token');
    const withPlugin = (issued: string, name: string) => {
      const marker = path.join(repo.work, '.git', `${name}.ran`);
      const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: issued } });
      const config: Kubeconfig = {
        ...original,
        users: original.users.map((u) => ({ name: u.name, user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: '/bin/sh', args: ['-c', `touch '${marker}'; printf '%s' '${credential}'`], interactiveMode: 'Never' } } })),
      };
      const file = path.join(repo.work, '.git', `${name}.kubeconfig`);
      writeFileSync(file, stringify(config));
      return { file, marker };
    };
    const good = withPlugin(token, 'exec-good');
    const read = plain('targets', '--json', `--kubeconfig=${good.file}`);
    assert.equal(read.code, 0, read.err);
    assert.ok(existsSync(good.marker), 'the plugin ran');
    const listed = JSON.parse(read.out) as { targets: { target: string; deployments?: { images: string[] }[] }[] };
    assert.deepEqual(listed.targets.find((t) => t.target === 'staging')?.deployments?.map((d) => d.images), [[await k.image(ns, 'checkout')]]);

    const bad = withPlugin('not-a-token-the-server-knows', 'exec-bad');
    const image = await k.image(ns, 'checkout');
    const refused = plain('rollback', '--target=staging', '--yes', `--kubeconfig=${bad.file}`);
    assert.notEqual(refused.code, 0);
    assert.ok(existsSync(bad.marker), 'the plugin ran');
    assert.match(refused.err, /^hotfix-deployer: The cluster of context hotfix-test \(https:\/\/127\.0\.0\.1:\d+\) does not accept its credentials: .*Unauthorized\n {2}Nothing was changed\. Renew them/);
    assert.doesNotMatch(refused.err, /--ignore-gitops/, 'going on without the GitOps check is no answer to bad credentials');
    assert.doesNotMatch(refused.err + refused.out, /not-a-token-the-server-knows/, 'the token is never printed');
    assert.equal(await k.image(ns, 'checkout'), image, 'nothing was rolled back');
  });
});
