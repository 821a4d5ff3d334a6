// Issue #17 (Helm): a hotfix deployed to a Helm release through the CLI twin (built dist/cli.js) with the
// real Helm v4 the tests build, on the real control plane. The point: helm history tells what we did,
// and the team's next `helm upgrade --reuse-values` keeps the hotfix instead of undoing it.

import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type * as Helm from '../kube/helm.mjs';
import { apps, type Apps } from './fixtures/apps';
import { importScript, KUBE_START_TIMEOUT_MS, kubeCluster, waitFor, type KubeCluster } from './fixtures/cluster';
import { gitflowRepo, type Repo } from './fixtures/repos';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface Revision {
  revision: number;
  status: string;
  description: string;
}

describe('helm deploy: a hotfix through a Helm release, as helm itself would record it (CLI, real Helm v4, real control plane)', function () {
  this.timeout(180_000);
  let cluster: KubeCluster;
  let k: Apps;
  let repo: Repo;
  let ns: string;
  let helm: string;
  let home: string;
  let helmEnv: NodeJS.ProcessEnv;

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(process.execPath, [CLI, ...args, `--kubeconfig=${cluster.kubeconfig}`], { cwd: repo.work, encoding: 'utf8', env: { ...helmEnv, HOTFIX_HELM: helm, ...env } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const helmRun = async (args: string[]) => (await run(helm, [...args, '--namespace', ns, '--kubeconfig', cluster.kubeconfig], { env: helmEnv, cwd: repo.work })).stdout;
  const history = async () => (JSON.parse(await helmRun(['history', 'web', '-o', 'json'])) as Revision[]).map((r) => `${r.revision} ${r.status} ${r.description}`);
  const values = async () => JSON.parse(await helmRun(['get', 'values', 'web', '-o', 'json'])) as { image?: { tag?: string; repository?: string }; replicas?: number };
  const auditLines = () => {
    const file = path.join(repo.work, '.git', 'hotfix', 'audit.jsonl');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length : 0;
  };
  const deployment = async () => {
    const d = await k.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    return { image: d.spec?.template.spec?.containers[0]?.image, replicas: d.spec?.replicas };
  };

  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    const helmModule = await importScript<typeof Helm>('test/kube/helm.mjs');
    helm = helmModule.helmBinary();
    const writeChart = helmModule.writeChart;
    cluster = await kubeCluster();
    k = await apps(cluster);
    ns = await cluster.namespace('helm-deploy');
    home = mkdtempSync(path.join(os.tmpdir(), 'hotfix-helm-deploy-'));
    // HOME too: client-go's discovery cache goes to $HOME/.kube/cache.
    helmEnv = { ...process.env, HOME: home, HELM_CACHE_HOME: path.join(home, 'cache'), HELM_CONFIG_HOME: path.join(home, 'config'), HELM_DATA_HOME: path.join(home, 'data') };
    repo = gitflowRepo();
    writeChart(path.join(repo.work, 'charts', 'web'));
    mkdirSync(path.join(repo.work, '.hotfix'));
    writeFileSync(
      path.join(repo.work, '.hotfix', 'config.yaml'),
      [
        'targets:',
        '  staging:',
        `    namespace: ${ns}`,
        '    app: web',
        '    progressDeadline: 20s',
        '    helm: {chart: charts/web, imageValue: image.tag, repositoryValue: image.repository}',
        '  detected:',
        `    namespace: ${ns}`,
        '    app: web',
        '',
      ].join('\n'),
    );
    // Replicas set at install: an upgrade that did not reuse the values would put 2 back.
    await helmRun(['install', 'web', path.join(repo.work, 'charts', 'web'), '--set', 'replicas=3', '--wait', '--timeout', '60s']);
  });
  after(() => {
    k?.dispose();
    repo?.dispose();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('refuses without a helm binary: exit 2, one line, nothing written', async () => {
    const audit = auditLines();
    const r = cli(['deploy', '--target=staging', '--image=web:1.0.1'], { HOTFIX_HELM: '/nonexistent' });
    assert.equal(r.code, 2, r.err);
    assert.equal(r.err, 'hotfix-deployer: helm was not found at /nonexistent: install Helm 3.14 or later, or set hotfixDeployer.helmPath / HOTFIX_HELM\n');
    assert.deepEqual(await history(), ['1 deployed Install complete']);
    assert.equal(auditLines(), audit, 'no audit record');
    assert.equal(existsSync(path.join(repo.work, '.git', 'hotfix', 'deploys', 'staging.json')), false, 'no deploy state');
  });

  it('refuses a target detected as a Helm release without imageValue, before anything is written', async () => {
    const audit = auditLines();
    const r = cli(['deploy', '--target=detected', '--image=web:1.0.1']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /web is installed by Helm release web \(chart web-0\.1\.0\): a patch would be undone by its next upgrade\.\n {2}Set targets\.detected\.helm\.imageValue \(e\.g\. image\.tag\) and helm\.chart/);
    assert.deepEqual(await history(), ['1 deployed Install complete']);
    assert.equal((await deployment()).image, 'web:1.0');
    assert.equal(auditLines(), audit);
  });

  it('deploys a hotfix as a Helm upgrade that the next `helm upgrade --reuse-values` keeps; rolls back as helm does', async () => {
    const deployed = cli(['deploy', '--target=staging', '--image=web:1.0.1']);
    assert.equal(deployed.code, 0, deployed.err + deployed.out);
    assert.match(deployed.out, /Helm release web in hotfix-test\/\S+ runs web:1\.0\.1: revision 2 \(upgraded from 1\)/);
    assert.deepEqual(await history(), ['1 superseded Install complete', '2 deployed hotfix-deployer: web:1.0.1']);
    assert.deepEqual(await values(), { image: { repository: 'web', tag: '1.0.1' }, replicas: 3 }, 'the image is in the values; replicas reused');
    assert.deepEqual(await deployment(), { image: 'web:1.0.1', replicas: 3 });
    // history lists what helm history lists, the deployed revision marked, and the command that goes back.
    const listed = cli(['history', '--target=staging']);
    assert.equal(listed.code, 0, listed.err);
    // After the line that says where the target is: the table.
    const lines = listed.out.trimEnd().split('\n').slice(1);
    assert.match(listed.out, /^target staging \(rolling\): context hotfix-test /);
    assert.match(lines[0] ?? '', /^Helm release web in \S+ \(staging\):$/);
    assert.match(lines[1] ?? '', /^ {2}REVISION +UPDATED +STATUS +CHART +APP VERSION +DESCRIPTION$/);
    assert.match(lines[2] ?? '', /^\* 2 +\d{4}-\d\d-\d\dT\S+ +deployed +web-0\.1\.0 +1\.0 +hotfix-deployer: web:1\.0\.1$/);
    assert.match(lines[3] ?? '', /^ {2}1 +\S+ +superseded +web-0\.1\.0 +1\.0 +Install complete$/);
    assert.equal(lines[4], '  run: hotfix-deployer rollback --target=staging --to-revision=1');
    // targets names the release beside the Deployment, found from its annotations without running helm.
    const targets = cli(['targets']).out;
    assert.match(targets, /^ {2}Helm release web in \S+: history --target=staging lists its revisions$/m);
    assert.match(targets, /^ {2}Helm release web in \S+ \(from its annotations\): history --target=detected lists its revisions$/m);
    const json = JSON.parse(cli(['history', '--target=staging', '--json']).out) as { history: { source: string; revisions: { revision: number; current: boolean }[] } };
    assert.equal(json.history.source, 'helm');
    assert.deepEqual(json.history.revisions.map((r) => [r.revision, r.current]), [[2, true], [1, false]]);

    // The team's next upgrade, as they always run it: the hotfix stays.
    await helmRun(['upgrade', 'web', 'charts/web', '--reuse-values', '--wait', '--timeout', '60s']);
    assert.deepEqual(await deployment(), { image: 'web:1.0.1', replicas: 3 });

    const back = cli(['rollback', '--target=staging', '--to-revision=1']);
    assert.equal(back.code, 0, back.err + back.out);
    assert.match(back.out, /rolled Helm release web back from revision 3 \(web:1\.0\.1\) to revision 1 \(web:1\.0\): new revision 4/);
    assert.deepEqual((await history()).slice(-2), ['3 superseded Upgrade complete', '4 deployed Rollback to 1']);
    assert.deepEqual(await values(), { replicas: 3 }, 'helm get values agrees: revision 1 had only replicas');
    assert.deepEqual(await deployment(), { image: 'web:1.0', replicas: 3 });

    const again = cli(['rollback', '--target=staging']);
    assert.equal(again.code, 0, again.err + again.out);
    assert.match(again.out, /rolled Helm release web back from revision 4 \(web:1\.0\) to revision 3 \(web:1\.0\.1\): new revision 5/);
    assert.deepEqual((await history()).slice(-2), ['4 superseded Rollback to 1', '5 deployed Rollback to 3']);
    assert.equal((await values()).image?.tag, '1.0.1');
    assert.deepEqual(await deployment(), { image: 'web:1.0.1', replicas: 3 });
  });

  it('a broken image fails its rollout and is rolled back by helm rollback, recorded in helm history', async () => {
    const r = cli(['deploy', '--target=staging', '--image=web:1.0.2-broken']);
    assert.equal(r.code, 1, r.err + r.out);
    assert.match(r.err, /rolled the Helm release web back to revision 5 \(new revision 7\)/);
    const last = (await history()).slice(-3);
    assert.match(last[0] ?? '', /^5 superseded/);
    assert.match(last[1] ?? '', /^6 failed /);
    assert.equal(last[2], '7 deployed Rollback to 5');
    assert.deepEqual(await deployment(), { image: 'web:1.0.1', replicas: 3 });
  });

  it('Ctrl-C during the upgrade stops resumably; deploy --continue finds the upgrade unfinished and rolls it back', async () => {
    const child = spawn(process.execPath, [CLI, 'deploy', '--target=staging', '--image=web:1.0.3-broken', `--kubeconfig=${cluster.kubeconfig}`], { cwd: repo.work, env: { ...helmEnv, HOTFIX_HELM: helm }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    await waitFor('helm to be upgrading', async () => (await history()).some((r) => r.startsWith('8 pending-upgrade')), 30_000, 100);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 3, err);
    const resumed = cli(['deploy', '--target=staging', '--continue']);
    assert.equal(resumed.code, 1, resumed.err + resumed.out);
    assert.match(resumed.err, /The interrupted upgrade left Helm release web at revision 8 \(\S+\)[\s\S]*rolled the Helm release web back to revision 7 \(new revision 9\)/);
    assert.equal((await history()).slice(-1)[0], '9 deployed Rollback to 7');
    assert.deepEqual(await deployment(), { image: 'web:1.0.1', replicas: 3 });
  });
});
