import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../src/core/config/parse';
import { planInit } from '../../src/adapters/init';
import { apps, type Apps } from './fixtures/apps';
import { kubeCluster, KUBE_START_TIMEOUT_MS, type KubeCluster } from './fixtures/cluster';
import { gitflowRepo, trunkRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

describe('init: a commented .hotfix/config.yaml from real repositories and the real test cluster (built dist/cli.js)', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let k: Apps;
  let ns: string;
  const repos: Repo[] = [];
  const run = (repo: Repo, ...args: string[]) => {
    const done = spawnSync(process.execPath, [CLI, ...args], { cwd: repo.work, encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/nonexistent' } });
    return { code: done.status, out: done.stdout, err: done.stderr };
  };
  const kube = (repo: Repo, ...args: string[]) => run(repo, ...args, `--kubeconfig=${cluster.kubeconfig}`);
  const configFile = (repo: Repo) => path.join(repo.work, '.hotfix', 'config.yaml');
  const fresh = (make: () => Repo): Repo => {
    const repo = make();
    repos.push(repo);
    return repo;
  };

  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    k = await apps(cluster);
    ns = await cluster.namespace('init');
    // A blue-green pair behind one Service, a canary-ready Deployment (track: stable), a plain one.
    await k.deployment(ns, 'web-blue', 'web:1.0', { app: 'web', colour: 'blue' }, 2);
    await k.deployment(ns, 'web-green', 'web:0.9', { app: 'web', colour: 'green' }, 1);
    await k.service(ns, 'web', { app: 'web', colour: 'blue' });
    await k.deployment(ns, 'api', 'api:1.0', { app: 'api', track: 'stable' }, 2);
    await k.service(ns, 'api-public', { app: 'api' });
    await k.deployment(ns, 'worker', 'worker:1.0', { app: 'worker' }, 2);
    await k.service(ns, 'worker', { app: 'worker' });
  });
  after(() => {
    k?.dispose();
    repos.forEach((r) => r.dispose());
  });

  it('gitflow + cluster: writes a config that parses, then drives a real create and a real deploy of a suggested target', async () => {
    const repo = fresh(gitflowRepo);
    const init = kube(repo, 'init', '--context=hotfix-test', `--namespace=${ns}`, '--json');
    assert.equal(init.code, 0, init.err + init.out);
    const result = JSON.parse(init.out) as { written: boolean; model: string; targets: { name: string; strategy: string; service?: string }[] };
    assert.equal(result.written, true);
    assert.equal(result.model, 'gitflow');
    assert.deepEqual(result.targets, [
      { name: 'api', app: 'api', strategy: 'canary', service: 'api-public' },
      { name: 'web', app: 'web', strategy: 'blue-green', service: 'web' },
      { name: 'worker', app: 'worker', strategy: 'rolling', service: 'worker' },
    ]);
    const text = readFileSync(configFile(repo), 'utf8');
    const parsed = parseConfig(text, '.hotfix/config.yaml');
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    assert.deepEqual(parsed.value.git, { model: 'gitflow', productionBranch: 'production', developBranch: 'develop', tagPrefix: 'v', remote: 'origin' });
    assert.equal(parsed.value.targets?.['web']?.context, 'hotfix-test');
    assert.match(text, /# blue-green, because the Deployments web-blue and web-green exist/);

    // The on-call flow runs on it at once (the file is not committed yet: the hotfix starts from v1.10.0).
    const created = run(repo, 'create', '--issue=PROD-1', '--title=x');
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /Created hotfix\/PROD-1-x from v1\.10\.0/);

    const rolling = kube(repo, 'deploy', '--target=worker', '--image=worker:1.1');
    assert.equal(rolling.code, 0, rolling.err);
    assert.match(rolling.out, new RegExp(`target worker \\(rolling\\): context hotfix-test .*namespace ${ns}`));
    const blueGreen = kube(repo, 'deploy', '--target=web', '--image=web:1.1');
    assert.equal(blueGreen.code, 0, blueGreen.err);
    assert.match(blueGreen.out, /target web \(blue-green\)/);
    assert.deepEqual((await k.core.readNamespacedService({ name: 'web', namespace: ns })).spec?.selector, { app: 'web', colour: 'green' });
  });

  it('trunk without a cluster: main branch, no targets, the contexts listed in a comment', async () => {
    const repo = fresh(trunkRepo);
    const init = kube(repo, 'init');
    assert.equal(init.code, 0, init.err);
    const text = readFileSync(configFile(repo), 'utf8');
    const parsed = parseConfig(text, '.hotfix/config.yaml');
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    assert.deepEqual(parsed.value.git, { model: 'trunk', productionBranch: 'production', mainBranch: 'main', tagPrefix: 'v', remote: 'origin' });
    assert.equal(parsed.value.targets, undefined);
    assert.match(text, /# Kube contexts in your kubeconfig: hotfix-test \(current\)\./);
    // The adapter the VS Code command uses sees the same.
    const plan = await planInit(repo.work, { kubeconfig: cluster.kubeconfig });
    assert.ok(plan.ok);
    assert.equal(plan.value.text, text);
    assert.equal(plan.value.exists, true);
  });

  it('refuses to overwrite without --force (file unchanged, exit 2); --force replaces it', () => {
    const repo = fresh(gitflowRepo);
    mkdirSync(path.join(repo.work, '.hotfix'));
    writeFileSync(configFile(repo), '# ours\ngit: { model: gitflow }\n');
    const refused = kube(repo, 'init', '--context=hotfix-test', `--namespace=${ns}`);
    assert.equal(refused.code, 2, refused.out);
    assert.match(refused.err, /\.hotfix\/config\.yaml already exists .*left unchanged[\s\S]*--force/);
    assert.equal(readFileSync(configFile(repo), 'utf8'), '# ours\ngit: { model: gitflow }\n');

    const forced = kube(repo, 'init', '--force', '--context=hotfix-test', `--namespace=${ns}`);
    assert.equal(forced.code, 0, forced.err);
    assert.match(forced.out, /replaced .*config\.yaml[\s\S]*web: blue-green \(web-blue \+ web-green, service web\)/);
    assert.match(readFileSync(configFile(repo), 'utf8'), /strategy: blue-green/);
  });

  it('--dry-run prints the file and writes nothing; a wrong context is named', () => {
    const repo = fresh(gitflowRepo);
    const dry = kube(repo, 'init', '--dry-run', '--context=hotfix-test', `--namespace=${ns}`);
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /^# Hotfix Deployer team configuration/);
    assert.match(dry.out, /strategy: canary/);
    assert.equal(existsSync(path.join(repo.work, '.hotfix')), false);

    const wrong = kube(repo, 'init', '--context=nope', '--namespace=x');
    assert.equal(wrong.code, 2, "a context the kubeconfig lacks is bad input");
    assert.match(wrong.err, /The kube context "nope" is not in/);
    assert.equal(existsSync(path.join(repo.work, '.hotfix')), false);
  });
});
