// Issue #18 (Argo Rollouts): a hotfix deployed to an Argo Rollout through the CLI twin (built dist/cli.js),
// driven through the Rollout as `kubectl argo rollouts` drives it, with the real controller at the pinned
// release running against the real control plane (the fake kubelet makes pods Ready). Each test has its
// own namespace, Rollout and repository; what the CLI says is checked against the objects themselves:
// the Rollout's spec and status, its ReplicaSets, its AnalysisRuns, the audit log and the incident timeline.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as K8s from '@kubernetes/client-node';
import { metricServer, rolloutsController, type MetricServer } from './fixtures/argo-rollouts';
import { kubeCluster, KUBE_START_TIMEOUT_MS, waitFor, type KubeCluster } from './fixtures/cluster';
import { gitflowRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const ARGO = { group: 'argoproj.io', version: 'v1alpha1' };

interface Ro {
  metadata: { name: string; generation?: number; annotations?: Record<string, string> };
  spec: { paused?: boolean; restartAt?: string; template?: { spec: { containers: { image: string }[] } } };
  status?: {
    phase?: string; message?: string; observedGeneration?: string; currentStepIndex?: number; abort?: boolean; stableRS?: string; currentPodHash?: string;
    availableReplicas?: number; updatedReplicas?: number; restartedAt?: string; pauseConditions?: { reason: string }[];
  };
}
interface Rs { hash: string; image: string; replicas: number; available: number; revision: string }
interface Run { code: number | null; out: string; err: string }
interface Info {
  name: string; strategy: string; phase: string; message: string; awaitingPromotion: boolean; aborted: boolean; stepIndex?: number; setWeight: number; actualWeight: number;
  images: string[]; steps: { kind: string }[]; workloadRef?: { kind: string; name: string }; stable?: { images: string[] }; canary?: { images: string[] }; failure?: string;
  analysisRuns: { name: string; phase: string; metrics: { name: string; failureCondition?: string; phase?: string; measurements: { phase: string; value?: string }[] }[] }[];
}
type Steps = Record<string, unknown>[];
const PAUSE_STEPS: Steps = [{ setWeight: 50 }, { pause: {} }];

describe('argo rollouts: a hotfix through an Argo Rollout, as its kubectl plugin drives it (real Argo Rollouts v1.10.1 controller, real control plane)', function () {
  this.timeout(60_000);
  let cluster: KubeCluster;
  let k: { custom: K8s.CustomObjectsApi; apps: K8s.AppsV1Api; core: K8s.CoreV1Api };
  let metrics: MetricServer;
  const repos: Repo[] = [];

  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    await rolloutsController(cluster);
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    k = { custom: kc.makeApiClient(k8s.CustomObjectsApi), apps: kc.makeApiClient(k8s.AppsV1Api), core: kc.makeApiClient(k8s.CoreV1Api) };
    metrics = await metricServer();
  });
  after(async () => {
    for (const repo of repos) repo.dispose();
    await metrics?.close();
  });

  /** A namespace with a Healthy Rollout `web` (2 replicas, web:1.0) and a repository whose target `web` names it. */
  async function scenario(name: string, options: { steps?: Steps; spec?: Record<string, unknown>; config?: string[]; workloadRef?: boolean; first?: (ns: string) => Promise<unknown> } = {}) {
    const ns = await cluster.namespace(`ro-${name}`);
    await options.first?.(ns); // what the Rollout references: the controller rejects a spec naming a missing AnalysisTemplate
    const labels = { app: 'web' };
    const template = { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'web:1.0' }] } };
    const roName = options.workloadRef ? 'web-rollout' : 'web';
    if (options.workloadRef) {
      await k.apps.createNamespacedDeployment({ namespace: ns, body: { metadata: { name: 'web', labels }, spec: { replicas: 2, selector: { matchLabels: labels }, template } } });
    }
    await k.custom.createNamespacedCustomObject({
      ...ARGO, namespace: ns, plural: 'rollouts',
      body: {
        apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: roName },
        spec: {
          replicas: 2, revisionHistoryLimit: 10, progressDeadlineSeconds: 30, selector: { matchLabels: labels },
          ...(options.workloadRef ? { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', scaleDown: 'onsuccess' } } : { template }),
          strategy: { canary: { steps: options.steps ?? PAUSE_STEPS } }, ...options.spec,
        },
      },
    });
    const repo = gitflowRepo();
    repos.push(repo);
    mkdirSync(path.join(repo.work, '.hotfix'));
    const config = options.config ?? ['  web:', `    namespace: ${ns}`, '    app: web', '    strategy: argo-rollout'];
    writeFileSync(path.join(repo.work, '.hotfix', 'config.yaml'), ['targets:', ...config, ''].join('\n').replaceAll('{ns}', ns));
    const plain = (...args: string[]): Run => {
      const r = spawnSync(process.execPath, [CLI, ...args], { cwd: repo.work, encoding: 'utf8' });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    const cli = (...args: string[]) => plain(...args, `--kubeconfig=${cluster.kubeconfig}`);
    const rollout = async () => (await k.custom.getNamespacedCustomObject({ ...ARGO, namespace: ns, plural: 'rollouts', name: roName })) as Ro;
    const replicaSets = async (): Promise<Rs[]> =>
      (await k.apps.listNamespacedReplicaSet({ namespace: ns })).items
        .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.kind === 'Rollout'))
        .map((rs) => ({ hash: rs.metadata?.labels?.['rollouts-pod-template-hash'] ?? '', image: rs.spec?.template?.spec?.containers[0]?.image ?? '', replicas: rs.spec?.replicas ?? 0, available: rs.status?.availableReplicas ?? 0, revision: rs.metadata?.annotations?.['rollout.argoproj.io/revision'] ?? '' }))
        .sort((a, b) => Number(a.revision) - Number(b.revision));
    const settled = (ro: Ro) => ro.status?.observedGeneration === String(ro.metadata.generation);
    /** Healthy on `image`: the controller has seen the spec, stable is the desired revision, both pods available. */
    const healthy = async (image: string, ms = 20_000) =>
      waitFor(`Rollout ${roName} Healthy on ${image}`, async () => {
        const ro = await rollout();
        const sets = await replicaSets();
        const current = sets.find((rs) => rs.hash === ro.status?.currentPodHash);
        return settled(ro) && ro.status?.phase === 'Healthy' && ro.status.stableRS === ro.status.currentPodHash && ro.status.availableReplicas === 2 && current?.image === image && current.available === 2 && ro;
      }, ms);
    /** Paused at the pause step (index 1) with one canary pod of `image` beside one stable pod. */
    const pausedAt = async (image: string) =>
      waitFor(`Rollout ${roName} Paused at step 1 with a canary on ${image}`, async () => {
        const ro = await rollout();
        const canary = (await replicaSets()).find((rs) => rs.hash === ro.status?.currentPodHash);
        return settled(ro) && ro.status?.phase === 'Paused' && ro.status.currentStepIndex === 1 && ro.status.pauseConditions?.[0]?.reason === 'CanaryPauseStep' && canary?.image === image && canary.available === 1 && ro;
      }, 20_000);
    const auditFile = path.join(repo.work, '.git', 'hotfix', 'audit.jsonl');
    const audit = () => (existsSync(auditFile) ? readFileSync(auditFile, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { action: string }) : []);
    const status = () => {
      const r = cli('rollout', 'status', '--target=web', '--json');
      assert.ok(r.code === 0 || r.code === 1, `rollout status --json: exit ${r.code}\n${r.err}`);
      return JSON.parse(r.out) as { ok: boolean; rollout: Info };
    };
    const incident = () => {
      const declared = plain('incident', 'create', '--severity=sev2', `--title=web ${name}`, '--impact=medium', '--json');
      assert.equal(declared.code, 0, declared.err + declared.out);
      const id = (JSON.parse(declared.out) as { incident: { id: string } }).incident.id;
      const events = () => (JSON.parse(plain('incident', 'show', `--id=${id}`, '--json').out) as { incident: { events: unknown[] } }).incident.events;
      let seen = events().length;
      /** The events since the last call, as JSON text. */
      return { id, since: () => { const all = events(); const fresh = JSON.stringify(all.slice(seen)); seen = all.length; return fresh; } };
    };
    const start = options.workloadRef ? undefined : await healthy('web:1.0');
    if (options.workloadRef) {
      await waitFor('the Rollout Healthy and the Deployment scaled down', async () => {
        const ro = await rollout();
        const d = await k.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
        return settled(ro) && ro.status?.phase === 'Healthy' && ro.status.availableReplicas === 2 && d.spec?.replicas === 0;
      }, 20_000);
    }
    return { ns, repo, plain, cli, rollout, replicaSets, healthy, pausedAt, audit, status, incident, stableHash: start?.status?.stableRS ?? '' };
  }

  /** deploy --image: exit 0 (Healthy, or paused for a promote). */
  function deploy(s: Awaited<ReturnType<typeof scenario>>, image: string): Run {
    const r = s.cli('deploy', '--target=web', `--image=${image}`);
    assert.equal(r.code, 0, `deploy --image=${image}: ${r.err}${r.out}`);
    return r;
  }

  /** A verb's run: exit 0, a line saying what it did, one audit record `rollout.<verb>`. */
  function verb(s: Awaited<ReturnType<typeof scenario>>, args: string[], said: RegExp, action: string): Run {
    const before = s.audit().length;
    const r = s.cli('rollout', ...args, '--target=web');
    assert.equal(r.code, 0, `rollout ${args.join(' ')}: ${r.err}${r.out}`);
    assert.match(r.out, said, `rollout ${args.join(' ')} says what it did`);
    // With an incident open, its timeline's record (incident.record) follows.
    assert.deepEqual(s.audit().slice(before).map((a) => a.action).filter((a) => a.startsWith('rollout.')), [action], `rollout ${args.join(' ')}: its audit record`);
    return r;
  }

  it('deploys to the pause step, shows it as the plugin does, promotes to Healthy; every step on the incident timeline', async () => {
    const s = await scenario('promote');
    const inc = s.incident();
    const deployed = deploy(s, 'web:1.1');
    assert.match(deployed.out, /promote/, 'the deploy says the Rollout waits for a promote');
    const paused = await s.pausedAt('web:1.1');
    assert.equal(paused.spec.template?.spec.containers[0]?.image, 'web:1.1', "the image was set in the Rollout's template");
    assert.deepEqual((await s.replicaSets()).map((rs) => [rs.image, rs.replicas]), [['web:1.0', 1], ['web:1.1', 1]], 'one stable pod, one canary pod: 50%');

    const shown = s.cli('rollout', 'status', '--target=web');
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /\bPaused - CanaryPauseStep$/m, 'the phase line as the plugin prints it');
    assert.match(shown.out, /step 1\/2.*weight 50%/);
    const { ok, rollout } = s.status();
    assert.equal(ok, true);
    assert.deepEqual(
      [rollout.name, rollout.strategy, rollout.phase, rollout.message, rollout.awaitingPromotion, rollout.aborted, rollout.stepIndex, rollout.setWeight, rollout.actualWeight, rollout.images, rollout.steps.map((x) => x.kind), rollout.stable?.images, rollout.canary?.images],
      ['web', 'canary', 'Paused', 'CanaryPauseStep', true, false, 1, 50, 50, ['web:1.1'], ['setWeight', 'pause'], ['web:1.0'], ['web:1.1']],
    );
    const targets = s.cli('targets');
    assert.equal(targets.code, 0, targets.err);
    assert.match(targets.out, /Paused[\s\S]*step 1\/2[\s\S]*50%/, 'targets shows the phase, step and weight');

    const waiting = s.cli('rollout', 'status', '--target=web', '--watch', '--timeout=2s');
    assert.equal(waiting.code, 3, `status --watch on a paused Rollout gives up at its timeout: ${waiting.err}${waiting.out}`);

    verb(s, ['promote'], /promoted/, 'rollout.promote');
    await s.healthy('web:1.1');
    await waitFor('the old ReplicaSet scaled to 0', async () => (await s.replicaSets()).map((rs) => `${rs.image}=${rs.replicas}`).join() === 'web:1.0=0,web:1.1=2');
    const watched = s.cli('rollout', 'status', '--target=web', '--watch', '--timeout=30s');
    assert.equal(watched.code, 0, watched.err);
    assert.match(watched.out, /\bHealthy$/m);
    const events = inc.since();
    assert.match(events, /deploy-started/);
    assert.match(events, /promote/, `the promote is on ${inc.id}'s timeline`);
  });

  it('promote --full skips the remaining steps and pauses', async () => {
    const s = await scenario('full', { steps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 75 }, { pause: {} }] });
    deploy(s, 'web:1.1');
    await s.pausedAt('web:1.1');
    verb(s, ['promote', '--full'], /promot/, 'rollout.promote-full');
    const done = await s.healthy('web:1.1');
    assert.equal(done.status?.currentStepIndex, 4, 'past the last step, without stopping at the second pause');
  });

  it('pause and resume set spec.paused on the Rollout, each on the incident timeline', async () => {
    const s = await scenario('pause');
    const inc = s.incident();
    verb(s, ['pause'], /paused/, 'rollout.pause');
    assert.equal((await s.rollout()).spec.paused, true);
    await waitFor('phase Paused', async () => (await s.rollout()).status?.phase === 'Paused');
    const { rollout } = s.status();
    assert.deepEqual([rollout.phase, rollout.awaitingPromotion], ['Paused', true]);
    assert.match(inc.since(), /pause/);
    verb(s, ['resume'], /resumed/, 'rollout.resume');
    assert.equal((await s.rollout()).spec.paused ?? false, false);
    await s.healthy('web:1.0');
    assert.match(inc.since(), /resume/);
  });

  it('abort scales the canary down and goes Degraded; retry starts the steps again', async () => {
    const s = await scenario('abort');
    const inc = s.incident();
    deploy(s, 'web:1.1');
    await s.pausedAt('web:1.1');
    verb(s, ['abort'], /abort/, 'rollout.abort');
    await waitFor('the canary scaled to 0 and the stable back to 2', async () => {
      const ro = await s.rollout();
      return ro.status?.abort === true && ro.status.phase === 'Degraded' && (await s.replicaSets()).map((rs) => `${rs.image}=${rs.replicas}/${rs.available}`).join() === 'web:1.0=2/2,web:1.1=0/0';
    });
    const aborted = s.status().rollout;
    assert.deepEqual([aborted.phase, aborted.aborted, aborted.setWeight], ['Degraded', true, 0]);
    assert.match(inc.since(), /abort/);
    verb(s, ['retry'], /retr/, 'rollout.retry');
    assert.equal((await s.rollout()).status?.abort ?? false, false);
    await s.pausedAt('web:1.1');
    assert.match(inc.since(), /retry/);
  });

  it("undo and undo --to-revision put an older revision's template back; history lists the revisions", async () => {
    const s = await scenario('undo');
    const image = async () => (await s.rollout()).spec.template?.spec.containers[0]?.image;
    const revisionOf = async (v: string) => (await s.replicaSets()).find((rs) => rs.image === v)?.revision;
    deploy(s, 'web:1.1');
    await s.pausedAt('web:1.1');
    verb(s, ['promote', '--full'], /promot/, 'rollout.promote-full');
    await s.healthy('web:1.1');
    deploy(s, 'web:1.2');
    await s.pausedAt('web:1.2');
    const listed = s.cli('history', '--target=web');
    assert.equal(listed.code, 0, listed.err);
    for (const [revision, v] of [[3, 'web:1.2'], [2, 'web:1.1'], [1, 'web:1.0']] as const) {
      assert.match(listed.out, new RegExp(`^[* ] ${revision} +\\S+ +${v.replace('.', '\\.')} `, 'm'), `history lists revision ${revision} (${v})`);
    }
    // The previous revision is the stable one: the controller goes straight back to it.
    verb(s, ['undo'], /\brevision 2\b.*stable/, 'rollout.undo');
    assert.equal(await image(), 'web:1.1', "revision 2's template");
    await s.healthy('web:1.1', 10_000);
    assert.equal(await revisionOf('web:1.1'), '4');
    await waitFor('the 1.2 canary scaled to 0', async () => (await s.replicaSets()).find((rs) => rs.image === 'web:1.2')?.replicas === 0);
    // Revision 1 is neither stable nor in a rollbackWindow: its steps run again, up to the pause.
    verb(s, ['undo', '--to-revision=1'], /\brevision 1\b.*steps/, 'rollout.undo');
    assert.equal(await image(), 'web:1.0', "revision 1's template");
    await s.pausedAt('web:1.0');
    assert.equal(await revisionOf('web:1.0'), '5');
  });

  it('restart sets spec.restartAt (RFC 3339, seconds); the controller replaces the pods', async () => {
    const s = await scenario('restart');
    const pods = async () => (await k.core.listNamespacedPod({ namespace: s.ns })).items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata?.name ?? '').sort();
    const before = await pods();
    await new Promise((r) => setTimeout(r, 1100)); // pods older than the restart's second: they must go
    const t0 = Math.floor(Date.now() / 1000);
    verb(s, ['restart'], /restart/, 'rollout.restart');
    const at = (await s.rollout()).spec.restartAt ?? '';
    assert.match(at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const seconds = Date.parse(at) / 1000;
    assert.ok(seconds >= t0 && seconds <= t0 + 5, `restartAt ${at} is when the verb ran`);
    await waitFor('the controller to have restarted every pod', async () => {
      const now = await pods();
      return (await s.rollout()).status?.restartedAt === at && now.length === 2 && now.every((p) => !before.includes(p));
    });
    await s.healthy('web:1.0');
  });

  it('a failed step analysis aborts the Rollout: deploy exits 1 with the one-line reason; status and verify carry the AnalysisRun', async () => {
    metrics.set('/error-rate', { errorRate: 0.12 });
    const s = await scenario('analysis', {
      steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'error-rate' }] } }, { pause: {} }],
      first: (namespace) =>
        k.custom.createNamespacedCustomObject({
          ...ARGO, namespace, plural: 'analysistemplates',
          body: { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'error-rate' }, spec: { metrics: [{ name: 'error-rate', count: 1, failureLimit: 0, failureCondition: 'result > 0.05', provider: { web: { url: `${metrics.url}/error-rate`, jsonPath: '{$.errorRate}' } } }] } },
        }),
    });
    const asked = metrics.served();
    const deployed = s.cli('deploy', '--target=web', '--image=web:1.1');
    assert.equal(deployed.code, 1, deployed.err + deployed.out);
    const parts = ['AnalysisRun', 'error-rate', '0.12', 'result > 0.05'];
    assert.ok(deployed.err.split('\n').some((l) => parts.every((p) => l.includes(p))), `one line of the error names the run, the metric, the value and the condition:\n${deployed.err}`);
    assert.ok(metrics.served() > asked, 'the controller measured the metric server');
    const ro = await s.rollout();
    assert.deepEqual([ro.status?.phase, ro.status?.abort], ['Degraded', true]);
    await waitFor('the stable back to 2, the canary at 0', async () => (await s.replicaSets()).map((rs) => `${rs.image}=${rs.replicas}/${rs.available}`).join() === 'web:1.0=2/2,web:1.1=0/0');

    const expectRun = (info: Info, where: string) => {
      const run = info.analysisRuns[0];
      assert.equal(run?.phase, 'Failed', where);
      const metric = run.metrics.find((m) => m.name === 'error-rate');
      assert.deepEqual([metric?.phase, metric?.failureCondition, metric?.measurements.map((m) => [m.phase, m.value])], ['Failed', 'result > 0.05', [['Failed', '0.12']]], where);
      assert.match(info.failure ?? '', new RegExp(`AnalysisRun ${run.name} .*error-rate.*0\\.12.*result > 0\\.05`), where);
    };
    const watched = s.cli('rollout', 'status', '--target=web', '--watch', '--timeout=20s');
    assert.equal(watched.code, 1, `status --watch ends at Degraded: ${watched.err}${watched.out}`);
    assert.match(watched.err, /\bDegraded - RolloutAborted: /, 'the phase line, on stderr as a failure');
    const status = s.status();
    assert.deepEqual([status.ok, status.rollout.phase, status.rollout.aborted], [false, 'Degraded', true]);
    expectRun(status.rollout, 'rollout status --json');
    const verified = s.cli('verify', '--target=web', '--duration=1s', '--json');
    assert.equal(verified.code, 1, verified.err);
    const verdict = JSON.parse(verified.out) as { outcome: string; rollout: Info };
    assert.equal(verdict.outcome, 'fail');
    expectRun(verdict.rollout, 'verify --json');

    // The next fix passes its analysis and waits at the pause; a rollback then goes back to stable web:1.0,
    // never to the plugin's "previous" revision, which here is the aborted web:1.1 that failed its analysis.
    metrics.set('/error-rate', { errorRate: 0.01 });
    const next = s.cli('deploy', '--target=web', '--image=web:1.2');
    assert.equal(next.code, 0, next.err + next.out);
    assert.match(next.out, /Paused at step 2\/3/);
    const back = s.cli('rollback', '--target=web');
    assert.equal(back.code, 0, back.err + back.out);
    assert.match(back.out, /to revision 1 \(web:1\.0\): revision 1 is the stable ReplicaSet/, 'back to what ran before the update');
    const restored = await s.healthy('web:1.0');
    assert.equal(restored.status?.stableRS, s.stableHash, 'the same stable ReplicaSet, never web:1.1');
  });

  it("a workloadRef Rollout is detected from its Deployment; deploy changes the Deployment's template; other strategies are refused", async () => {
    const s = await scenario('workloadref', {
      workloadRef: true,
      config: ['  web:', '    namespace: {ns}', '    app: web', '  explicit:', '    namespace: {ns}', '    app: web', '    strategy: canary'],
    });
    const deployment = async () => {
      const d = await k.apps.readNamespacedDeployment({ name: 'web', namespace: s.ns });
      return [d.spec?.template.spec?.containers[0]?.image, d.spec?.replicas];
    };
    for (const args of [['--target=web', '--strategy=rolling'], ['--target=explicit']]) {
      const refused = s.cli('deploy', ...args, '--image=web:1.1');
      assert.equal(refused.code, 2, `deploy ${args.join(' ')}: ${refused.err}${refused.out}`);
      // The refusal's line names the Rollout; the hint under it (as every refusal has) names the strategy.
      assert.match(refused.err, /^hotfix-deployer: Argo Rollout web-rollout references Deployment web \(workloadRef\): [^\n]+\n {2}[^\n]*strategy: argo-rollout/);
      assert.deepEqual(await deployment(), ['web:1.0', 0], 'the Deployment unchanged');
      assert.deepEqual(s.audit(), [], 'no audit record');
    }
    const deployed = s.cli('deploy', '--target=web', '--image=web:1.1', '--json');
    assert.equal(deployed.code, 0, deployed.err + deployed.out);
    const { rollout } = JSON.parse(deployed.out) as { rollout: Info };
    assert.deepEqual([rollout.name, rollout.workloadRef, rollout.images, rollout.phase, rollout.awaitingPromotion], ['web-rollout', { kind: 'Deployment', name: 'web' }, ['web:1.1'], 'Paused', true]);
    assert.deepEqual(await deployment(), ['web:1.1', 0], "the image is in the Deployment's template; it stays scaled down");
    await s.pausedAt('web:1.1');
  });

  it('rollback --immediate on a paused canary aborts and undoes: back on stable at once, the steps skipped', async () => {
    const s = await scenario('immediate');
    deploy(s, 'web:1.1');
    await s.pausedAt('web:1.1');
    const started = Date.now();
    const back = s.cli('rollback', '--target=web', '--immediate');
    assert.equal(back.code, 0, back.err + back.out);
    assert.match(back.out, /abort/i);
    assert.match(back.out, /stable[^\n]*skip|skip[^\n]*stable/i, 'it says the steps are skipped: the revision is the stable one');
    assert.equal((await s.rollout()).spec.template?.spec.containers[0]?.image, 'web:1.0');
    const done = await s.healthy('web:1.0', 10_000);
    assert.equal(done.status?.stableRS, s.stableHash, 'the same stable ReplicaSet');
    await waitFor('the canary scaled to 0', async () => (await s.replicaSets()).find((rs) => rs.image === 'web:1.1')?.replicas === 0);
    assert.ok(Date.now() - started < 15_000, `back on stable in ${Date.now() - started} ms`);
    assert.ok(s.audit().some((a) => /rollback|rollout\.(abort|undo)/.test(a.action)), 'audited');
  });

  it("rollback within the Rollout's rollbackWindow says the steps are skipped, and they are", async () => {
    const s = await scenario('window', { spec: { rollbackWindow: { revisions: 2 } } });
    // The controller tells a rollback by creationTimestamp (seconds): revision 2 must be a second younger.
    await new Promise((r) => setTimeout(r, 1100));
    deploy(s, 'web:1.1');
    await s.pausedAt('web:1.1');
    verb(s, ['promote', '--full'], /promot/, 'rollout.promote-full');
    await s.healthy('web:1.1');
    const back = s.cli('rollback', '--target=web');
    assert.equal(back.code, 0, back.err + back.out);
    assert.match(back.out, /rollbackWindow/);
    assert.match(back.out, /skip/i);
    assert.equal((await s.rollout()).spec.template?.spec.containers[0]?.image, 'web:1.0');
    await s.healthy('web:1.0', 10_000); // a pause step would hold it: only a skip gets here
  });
});
