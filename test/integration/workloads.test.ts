import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as K8s from '@kubernetes/client-node';
import { planInit } from '../../src/adapters/init';
import type { TargetConfig } from '../../src/core/config/types';
import { deploy } from '../../src/core/deploy/deploy';
import { describeTarget } from '../../src/core/deploy/describe';
import { workloadHistory } from '../../src/core/deploy/history';
import { rollback } from '../../src/core/deploy/rollback';
import { apps, type Apps } from './fixtures/apps';
import { kubeCluster, KUBE_START_TIMEOUT_MS, type KubeCluster } from './fixtures/cluster';
import { gitflowRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

describe('StatefulSets and DaemonSets on a real controller-manager', function () {
  this.timeout(120_000);
  let cluster: KubeCluster;
  let k: Apps;
  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    k = await apps(cluster);
  });
  after(() => k?.dispose());

  const until = async (what: string, check: () => Promise<boolean>, ms = 60_000) => {
    for (const end = Date.now() + ms; Date.now() < end; ) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  /** A StatefulSet of `replicas` behind a headless Service, fully ready: the starting point. */
  async function statefulSet(ns: string, name: string, image: string, partition?: number): Promise<void> {
    await k.core.createNamespacedService({ namespace: ns, body: { metadata: { name }, spec: { clusterIP: 'None', selector: { app: name }, ports: [{ port: 5432 }] } } });
    await k.apps.createNamespacedStatefulSet({
      namespace: ns,
      body: {
        metadata: { name, labels: { app: name } },
        spec: {
          replicas: 3,
          serviceName: name,
          selector: { matchLabels: { app: name } },
          ...(partition !== undefined ? { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } } } : {}),
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'db', image }] } },
        },
      },
    });
    await until(`${name} ready`, async () => {
      const s = await k.apps.readNamespacedStatefulSet({ name, namespace: ns });
      return s.status?.readyReplicas === 3 && s.status.observedGeneration === s.metadata?.generation && s.status.currentRevision === s.status.updateRevision;
    });
  }

  async function daemonSet(ns: string, name: string, image: string): Promise<void> {
    await k.apps.createNamespacedDaemonSet({
      namespace: ns,
      body: {
        metadata: { name, labels: { app: name } },
        spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'agent', image }] } } },
      },
    });
    await until(`${name} available`, async () => {
      const d = await k.apps.readNamespacedDaemonSet({ name, namespace: ns });
      return (d.status?.desiredNumberScheduled ?? 0) > 0 && d.status?.numberAvailable === d.status?.desiredNumberScheduled && d.status?.observedGeneration === d.metadata?.generation;
    });
  }

  const stsImage = async (ns: string, name: string) => (await k.apps.readNamespacedStatefulSet({ name, namespace: ns })).spec?.template.spec?.containers[0]?.image;
  const dsImage = async (ns: string, name: string) => (await k.apps.readNamespacedDaemonSet({ name, namespace: ns })).spec?.template.spec?.containers[0]?.image;
  const podImages = async (ns: string, app: string) => {
    const pods = await k.core.listNamespacedPod({ namespace: ns, labelSelector: `app=${app}` });
    return Object.fromEntries(pods.items.map((p: K8s.V1Pod) => [p.metadata?.name ?? '', p.spec?.containers[0]?.image ?? ''] as const).sort(([a], [b]) => a.localeCompare(b)));
  };
  /** kubectl rollout status's verdict, judged as kubectl does (its StatefulSetStatusViewer). */
  const stsComplete = async (ns: string, name: string) => {
    const s = await k.apps.readNamespacedStatefulSet({ name, namespace: ns });
    const partition = s.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    return (s.status?.observedGeneration ?? 0) >= (s.metadata?.generation ?? 0) && s.status?.readyReplicas === 3 && (s.status.updatedReplicas ?? 0) >= 3 - partition;
  };
  const ctxFor = (ns: string, target: Partial<TargetConfig>, progress?: string[]) =>
    k.context('staging', { namespace: ns, app: 'db', kind: 'StatefulSet', ...target }, progress ? { progress: (m: string) => progress.push(m) } : {});

  it('StatefulSet: deploys a new image pod by pod and reports as kubectl; history and the target row; rollback to the previous and --to-revision', async () => {
    const ns = await cluster.namespace('sts');
    await statefulSet(ns, 'db', 'db:1.0');
    const progress: string[] = [];
    const ctx = await ctxFor(ns, {}, progress);
    const outcome = await deploy(ctx, { image: 'db:1.1', meta: { gitSha: 'abc123', branch: 'hotfix/PROD-9-db', incident: 'INC-9' } });
    assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
    assert.match(outcome.kind === 'deployed' ? outcome.message : '', /^db in hotfix-test\/.* runs db:1\.1\.$/);
    assert.ok(progress.includes('partitioned roll out complete: 3 new pods have been updated...'), progress.join('\n'));
    assert.ok(progress.some((m) => /^Waiting for (1 pods to be ready|partitioned roll out to finish: \d out of 3 new pods have been updated)\.\.\.$/.test(m)), progress.join('\n'));
    const s = await k.apps.readNamespacedStatefulSet({ name: 'db', namespace: ns });
    assert.equal(s.metadata?.annotations?.['hotfix-deployer.io/incident'], 'INC-9');
    assert.equal(s.metadata?.labels?.['app.kubernetes.io/managed-by'], 'hotfix-deployer');
    assert.equal(s.spec?.template.metadata?.annotations?.['hotfix-deployer.io/git-sha'], 'abc123');
    assert.deepEqual(await podImages(ns, 'db'), { 'db-0': 'db:1.1', 'db-1': 'db:1.1', 'db-2': 'db:1.1' });

    const live = await describeTarget(ctx);
    assert.deepEqual(live.deployments.map((d) => [d.name, d.kind, d.images, d.revision, d.replicas, d.ready, d.updated, d.available]), [['db', 'StatefulSet', ['db:1.1'], 2, 3, 3, 3, 3]]);
    const history = await workloadHistory(ctx);
    assert.ok(history.ok);
    assert.deepEqual(history.value.revisions.map((r) => [r.revision, r.current, r.images]), [[2, true, ['db:1.1']], [1, false, ['db:1.0']]]);
    assert.match(history.value.revisions[0]?.description ?? '', /hotfix-deployer rolling db:1\.1 \(hotfix\/PROD-9-db\)/);

    const back = await rollback(ctx);
    assert.equal(back.kind, 'rolled-back', JSON.stringify(back));
    assert.match(back.kind === 'rolled-back' ? back.message : '', /^rolled db back from revision 2 to the template of revision 1 \(db:1\.0\); partitioned roll out complete: 3 new pods have been updated\.\.\.$/);
    assert.equal(await stsImage(ns, 'db'), 'db:1.0');
    assert.deepEqual(await podImages(ns, 'db'), { 'db-0': 'db:1.0', 'db-1': 'db:1.0', 'db-2': 'db:1.0' });
    // As with kubectl: the restored revision is renumbered the newest (3); revision 2 is db:1.1.
    const again = await workloadHistory(ctx);
    assert.deepEqual(again.ok && again.value.revisions.map((r) => [r.revision, r.current, r.images]), [[3, true, ['db:1.0']], [2, false, ['db:1.1']]]);
    const toTwo = await rollback(ctx, { toRevision: 2 });
    assert.equal(toTwo.kind, 'rolled-back', JSON.stringify(toTwo));
    assert.match(toTwo.kind === 'rolled-back' ? toTwo.message : '', /rolled db back from revision 3 to the template of revision 2 \(db:1\.1\)/);
    assert.equal(await stsImage(ns, 'db'), 'db:1.1');
    const missing = await rollback(ctx, { toRevision: 9 });
    assert.match(missing.kind === 'refused' ? `${missing.reason} ${missing.hint}` : '', /StatefulSet db has no revision 9 \(revisions kept: 3, 4\)\. Nothing was changed\./);
  });

  it('StatefulSet: a rollback killed before or after its write, run again, continues to the same end instead of undoing itself', async () => {
    const ns = await cluster.namespace('sts-resume');
    await statefulSet(ns, 'db', 'db:1.0');
    assert.equal((await deploy(await ctxFor(ns, {}), { image: 'db:1.1' })).kind, 'deployed');
    // Killed between saving its plan and writing (the progress line comes just before the write).
    const killBefore = await ctxFor(ns, {});
    await assert.rejects(rollback({ ...killBefore, progress: (m) => { if (/^Rolling StatefulSet db back/.test(m)) throw new Error('killed'); } }), /killed/);
    assert.equal(await stsImage(ns, 'db'), 'db:1.1', 'nothing written yet');
    // Killed after the write landed (the first status line comes after it).
    let written = false;
    const killAfter = await ctxFor(ns, {});
    await assert.rejects(
      rollback({ ...killAfter, progress: (m) => { if (/^Rolling StatefulSet db back/.test(m)) written = true; else if (written) throw new Error('killed'); } }),
      /killed/,
    );
    assert.equal(await stsImage(ns, 'db'), 'db:1.0');
    const again = await rollback(await ctxFor(ns, {}));
    assert.equal(again.kind, 'rolled-back', JSON.stringify(again));
    assert.match(again.kind === 'rolled-back' ? again.message : '', /^continued an interrupted rollback: rolled db back from revision 2 to the template of revision 1 \(db:1\.0\)/);
    assert.equal(await stsImage(ns, 'db'), 'db:1.0', 'not undone back to db:1.1');
    assert.ok(await stsComplete(ns, 'db'));
  });

  it('StatefulSet: a broken image never gets ready within progressDeadline and is rolled back by itself', async () => {
    const ns = await cluster.namespace('sts-broken');
    await statefulSet(ns, 'db', 'db:1.0');
    const progress: string[] = [];
    const ctx = await ctxFor(ns, { progressDeadline: '15s' }, progress);
    const outcome = await deploy(ctx, { image: 'db:1.1-broken' });
    assert.equal(outcome.kind, 'rolled-back', JSON.stringify(outcome));
    assert.match(outcome.kind === 'rolled-back' ? outcome.reason : '', /StatefulSet db did not finish rolling out within 15s \(Waiting for 1 pods to be ready\.\.\.; not ready: db-2 \(ImagePullBackOff: .*\)\)/);
    assert.match(outcome.kind === 'rolled-back' ? outcome.message : '', /rolled db back to revision 1 \(db:1\.0\); partitioned roll out complete: 3 new pods have been updated\.\.\./);
    assert.equal(await stsImage(ns, 'db'), 'db:1.0');
    assert.ok(await stsComplete(ns, 'db'), 'kubectl rollout status would say complete');
    assert.deepEqual(await podImages(ns, 'db'), { 'db-0': 'db:1.0', 'db-1': 'db:1.0', 'db-2': 'db:1.0' });
  });

  it('StatefulSet: a partition of 2 is honoured, only ordinal 2 is updated, and the outcome says so', async () => {
    const ns = await cluster.namespace('sts-partition');
    await statefulSet(ns, 'db', 'db:1.0', 2);
    const progress: string[] = [];
    const outcome = await deploy(await ctxFor(ns, {}, progress), { image: 'db:1.1' });
    assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
    assert.match(outcome.kind === 'deployed' ? outcome.message : '', /runs db:1\.1 \(partition 2: pods from ordinal 2 up were updated \(partitioned roll out complete: 1 new pods have been updated\.\.\.\), the ones below keep db:1\.0; the partition is left as set\)\./);
    assert.deepEqual(await podImages(ns, 'db'), { 'db-0': 'db:1.0', 'db-1': 'db:1.0', 'db-2': 'db:1.1' });
    const s = await k.apps.readNamespacedStatefulSet({ name: 'db', namespace: ns });
    assert.equal(s.spec?.updateStrategy?.rollingUpdate?.partition, 2, 'never changed by the tool');
  });

  it('DaemonSet: deploys, rolls back, and a broken image is rolled back by itself', async () => {
    const ns = await cluster.namespace('ds');
    await daemonSet(ns, 'agent', 'agent:1.0');
    const progress: string[] = [];
    const ctx = await k.context('staging', { namespace: ns, app: 'agent', kind: 'DaemonSet', progressDeadline: '15s' }, { progress: (m: string) => progress.push(m) });
    const outcome = await deploy(ctx, { image: 'agent:1.1' });
    assert.equal(outcome.kind, 'deployed', JSON.stringify(outcome));
    assert.ok(progress.includes('daemon set "agent" successfully rolled out'), progress.join('\n'));
    assert.equal(await dsImage(ns, 'agent'), 'agent:1.1');
    const live = await describeTarget(ctx);
    const row = live.deployments[0];
    assert.deepEqual([row?.kind, row?.images, row?.revision, row?.available], ['DaemonSet', ['agent:1.1'], 2, row?.replicas]);

    const back = await rollback(ctx);
    assert.match(back.kind === 'rolled-back' ? back.message : JSON.stringify(back), /rolled agent back from revision 2 to the template of revision 1 \(agent:1\.0\); daemon set "agent" successfully rolled out/);
    assert.equal(await dsImage(ns, 'agent'), 'agent:1.0');

    const broken = await deploy(ctx, { image: 'agent:1.2-broken' });
    assert.equal(broken.kind, 'rolled-back', JSON.stringify(broken));
    assert.match(broken.kind === 'rolled-back' ? broken.reason : '', /DaemonSet agent did not finish rolling out within 15s/);
    assert.equal(await dsImage(ns, 'agent'), 'agent:1.0');
    const d = await k.apps.readNamespacedDaemonSet({ name: 'agent', namespace: ns });
    assert.equal(d.status?.numberAvailable, d.status?.desiredNumberScheduled, 'available again');
  });

  describe('through the CLI (dist/cli.js)', () => {
    let repo: Repo;
    after(() => repo?.dispose());

    it('deploy --yes and rollback --yes of a StatefulSet target', async () => {
      const ns = await cluster.namespace('sts-cli');
      await statefulSet(ns, 'db', 'db:1.0');
      repo = gitflowRepo();
      mkdirSync(path.join(repo.work, '.hotfix'));
      writeFileSync(path.join(repo.work, '.hotfix', 'config.yaml'), `targets:\n  production:\n    namespace: ${ns}\n    app: db\n    kind: StatefulSet\n    progressDeadline: 20s\n`);
      const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args, `--kubeconfig=${cluster.kubeconfig}`], { cwd: repo.work, encoding: 'utf8' });
      const deployed = cli('deploy', '--target=production', '--image=db:1.1', '--yes');
      assert.equal(deployed.status, 0, deployed.stderr + deployed.stdout);
      assert.match(deployed.stdout, /db in hotfix-test\/.* runs db:1\.1/);
      assert.equal(await stsImage(ns, 'db'), 'db:1.1');
      const back = cli('rollback', '--target=production', '--yes');
      assert.equal(back.status, 0, back.stderr + back.stdout);
      assert.match(back.stdout, /rolled db back from revision 2 to the template of revision 1 \(db:1\.0\)/);
      assert.equal(await stsImage(ns, 'db'), 'db:1.0');
      assert.ok(await stsComplete(ns, 'db'));

      // init lists the StatefulSet as a target of its kind.
      const plan = await planInit(repo.work, { kubeconfig: cluster.kubeconfig, context: 'hotfix-test', namespace: ns });
      assert.ok(plan.ok, plan.ok ? '' : plan.reason);
      assert.match(plan.value.text, /app: db\n(\s+#.*\n)+\s+kind: StatefulSet\n\s+strategy: rolling\n/);
    });
  });
});
