import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DeployState } from '../../src/core/deploy/state';
import { apps, type Apps } from './fixtures/apps';
import { kubeCluster, KUBE_START_TIMEOUT_MS, waitFor, type KubeCluster } from './fixtures/cluster';
import { gitflowRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

describe('CLI twin: a canary killed mid-step resumes (deploy --continue) or is promoted (deploy --promote) (built dist/cli.js, real control plane)', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let k: Apps;
  let repo: Repo;
  let ns: string;
  const cli = (...args: string[]) => {
    const run = spawnSync(process.execPath, [CLI, ...args, `--kubeconfig=${cluster.kubeconfig}`], { cwd: repo.work, encoding: 'utf8' });
    return { code: run.status, out: run.stdout, err: run.stderr };
  };
  const stateFile = () => path.join(repo.work, '.git', 'hotfix', 'deploys', 'staging.json');
  const readState = () => JSON.parse(readFileSync(stateFile(), 'utf8')) as DeployState;

  /** Starts `deploy` of `image` in a child process and SIGKILLs it in the pause of the first step. */
  async function killInFirstPause(image: string): Promise<void> {
    const child = spawn(process.execPath, [CLI, 'deploy', '--target=staging', `--image=${image}`, `--kubeconfig=${cluster.kubeconfig}`], { cwd: repo.work, stdio: 'ignore' });
    await waitFor('the canary to pause at its first step', () => {
      if (!existsSync(stateFile())) return false;
      const s = readState();
      return s.image === image && s.canary?.index === 0 && s.canary.phase === 'paused';
    }, 30_000, 20);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }

  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    k = await apps(cluster);
    ns = await cluster.namespace('canary-cli');
    await k.deployment(ns, 'web', 'web:1.0', { app: 'web', track: 'stable' }, 2);
    await k.service(ns, 'web', { app: 'web' });
    repo = gitflowRepo();
    mkdirSync(path.join(repo.work, '.hotfix'));
    writeFileSync(
      path.join(repo.work, '.hotfix', 'config.yaml'),
      `targets:\n  staging:\n    namespace: ${ns}\n    app: web\n    strategy: canary\n    canary:\n      steps: [50, 100]\n      pause: 3s\n`,
    );
  });
  after(() => {
    k?.dispose();
    repo?.dispose();
  });

  it('killed in a pause: targets shows the step, --continue resumes there and promotes; --promote skips the rest', async () => {
    await killInFirstPause('web:1.1');
    const split = async () => [(await k.apps.readNamespacedDeployment({ name: 'web', namespace: ns })).spec?.replicas, (await k.apps.readNamespacedDeployment({ name: 'web-canary', namespace: ns })).spec?.replicas];
    assert.deepEqual(await split(), [1, 1], 'the kill left the traffic of step 1: one replica each');

    const listed = cli('targets');
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, /canary step 1 of 2 \(paused\), 50% of traffic \(replicas\)/);
    assert.match(listed.out, /unfinished deploy of web:1\.1/);

    const resumed = cli('deploy', '--target=staging', '--continue');
    assert.equal(resumed.code, 0, resumed.err);
    assert.match(resumed.err, /Resuming the canary at step 1 of 2 \(50%\)/);
    assert.doesNotMatch(resumed.err, /Creating web-canary|Canary step 1 of 2 \(50%\): shifting/, 'step 1 is not shifted again');
    assert.match(resumed.err, /Canary step 2 of 2 \(100%\) passed the readiness gate/);
    assert.match(resumed.out, /web in hotfix-test\/.* runs web:1\.1: the canary was promoted after steps 50, 100%/);
    assert.equal(await k.image(ns, 'web'), 'web:1.1');
    assert.deepEqual(await split(), [2, 0]);

    await killInFirstPause('web:1.2');
    const promoted = cli('deploy', '--target=staging', '--promote');
    assert.equal(promoted.code, 0, promoted.err);
    assert.match(promoted.err, /Promoting the canary of web:1\.2 at step 1 of 2 \(50%\)/);
    assert.match(promoted.out, /runs web:1\.2: the canary was promoted early, at step 1 of 2 \(50%\); web-canary is scaled to 0 and all traffic is on web\./);
    assert.equal(await k.image(ns, 'web'), 'web:1.2');
    assert.deepEqual(await split(), [2, 0]);

    const nothing = cli('deploy', '--target=staging', '--promote');
    assert.equal(nothing.code, 1);
    assert.match(nothing.err, /No canary deploy of staging is unfinished/);
  });
});
