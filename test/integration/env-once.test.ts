// One operation, one environment: a deploy linked to an incident, with notification channels, reads
// .hotfix/config.yaml once (it used to parse it four times or more: the workspace, the target, the
// incident store, the channels), and its timeline goes to the store the environment's kubeconfig reaches.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readConfigFile, type ConfigReader } from '../../src/adapters/config-file';
import { deployOperation } from '../../src/app/deploy';
import { createEnv } from '../../src/app/env';
import { declareIncident } from '../../src/app/incident';
import { rollbackOperation } from '../../src/app/rollback';
import { silentInteraction } from '../../src/app/interaction';
import { apps, type Apps } from './fixtures/apps';
import { kubeCluster, KUBE_START_TIMEOUT_MS, type KubeCluster } from './fixtures/cluster';
import { gitflowRepo, type Repo } from './fixtures/repos';

describe('the application environment: one deploy reads the configuration once (real control plane)', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let k: Apps;
  let repo: Repo;
  let ns: string;

  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    k = await apps(cluster);
    ns = await cluster.namespace('env-once');
    await k.deployment(ns, 'checkout', 'checkout:1.4.0', { app: 'checkout' }, 1);
    repo = gitflowRepo();
    mkdirSync(path.join(repo.work, '.hotfix'));
    writeFileSync(path.join(repo.work, '.hotfix', 'config.yaml'), `targets:\n  staging: { namespace: ${ns}, app: checkout }\nnotifications:\n  webhook: {}\n`);
  });

  it('deploys, records in the incident, and parsed .hotfix/config.yaml once', async () => {
    const declared = await declareIncident(createEnv({ dir: repo.work, interaction: silentInteraction(), kubeconfig: cluster.kubeconfig }), { input: { severity: 'sev2', title: 'Checkout slow', impact: 'medium' }, broadcast: false });
    assert.equal(declared.kind, 'changed', JSON.stringify(declared));
    let reads = 0;
    const counting: ConfigReader = (root) => {
      reads += 1;
      return readConfigFile(root);
    };
    const env = createEnv({ dir: repo.work, interaction: silentInteraction({ confirm: () => Promise.resolve(true) }), kubeconfig: cluster.kubeconfig, readConfig: counting, secrets: {} });
    const result = await deployOperation(env, { target: 'staging', image: 'checkout:1.4.1' });
    assert.equal(result.kind, 'deployed', JSON.stringify(result.kind === 'refused' ? result.failed : result.kind));
    assert.ok(result.kind === 'deployed' && result.incident !== undefined, 'linked to the only open incident');
    assert.equal(reads, 1, 'the configuration is read once per operation');
  });

  it('rolls back with a git setting that names a gone branch, asking git about no branch, tag or remote', async () => {
    const config = path.join(repo.work, '.hotfix', 'config.yaml');
    writeFileSync(config, `git:\n  developBranch: gone-since-the-reorg\ntargets:\n  staging: { namespace: ${ns}, app: checkout }\n`);
    const yes = silentInteraction({ confirm: () => Promise.resolve(true) });
    const deployed = await deployOperation(createEnv({ dir: repo.work, interaction: yes, kubeconfig: cluster.kubeconfig, secrets: {} }), { target: 'staging', image: 'checkout:1.4.2', incident: 'none' });
    assert.equal(deployed.kind, 'deployed', JSON.stringify(deployed.kind === 'refused' ? deployed.failed : deployed.kind));
    const commands: string[] = [];
    const env = createEnv({ dir: repo.work, interaction: yes, kubeconfig: cluster.kubeconfig, secrets: {}, onGitCommand: (args) => commands.push(args.join(' ')) });
    const rolled = await rollbackOperation(env, { target: 'staging', immediate: true, incident: 'none' });
    assert.equal(rolled.kind, 'rolled-back', JSON.stringify(rolled.kind === 'refused' ? rolled.failed : rolled.kind));
    const image = (await k.apps.readNamespacedDeployment({ name: 'checkout', namespace: ns })).spec?.template.spec?.containers[0]?.image;
    assert.equal(image, 'checkout:1.4.1', 'back to the image before the deploy');
    assert.deepEqual(commands, ['config --get-regexp ^user\\.(name|email)$'], 'the identity, read once; no branch, tag or remote listed');
    // The hotfix engine still refuses the setting, where it matters.
    const workspace = await env.workspace();
    assert.ok(!workspace.ok && /git\.developBranch: branch "gone-since-the-reorg" does not exist/.test(workspace.reason), workspace.ok ? 'opened' : workspace.reason);
  });
});
