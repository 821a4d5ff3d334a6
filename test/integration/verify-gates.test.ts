// Metric gates on the real loop: a canary deploy (built CLI) -> the test cluster -> the traffic
// service -> a real Prometheus -> the gate at each step -> promotion or abort and rollback; and
// `verify --auto-rollback` after a bad rolling deploy. Broken images are named `web-broken:*` (the
// kubelet stand-in fails pulls of tags containing "broken"; see fixtures/prometheus.ts).

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { DeployState } from '../../src/core/deploy/state';
import { apps, type Apps } from './fixtures/apps';
import { kubeCluster, KUBE_START_TIMEOUT_MS, type KubeCluster } from './fixtures/cluster';
import { metricsLoop, METRICS_START_TIMEOUT_MS, type MetricsLoop } from './fixtures/prometheus';
import { gitflowRepo, type Repo } from './fixtures/repos';
import { runNode } from './fixtures/process';

/** A port nothing listens on: bound, then closed. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

describe('metric gates on a real Prometheus: canary steps and verify --auto-rollback (built CLI, real control plane)', function () {
  this.timeout(180_000);
  let cluster: KubeCluster;
  let k: Apps;
  let loop: MetricsLoop;
  const repos: Repo[] = [];
  before(async function () {
    this.timeout(KUBE_START_TIMEOUT_MS + METRICS_START_TIMEOUT_MS);
    cluster = await kubeCluster();
    k = await apps(cluster);
    loop = await metricsLoop(cluster);
  });
  after(() => {
    k?.dispose();
    for (const r of repos) r.dispose();
  });

  /** A repository whose config has target `staging` in `ns` with the metric gates on the loop's Prometheus. */
  function repoFor(ns: string, target: string, prometheus = loop.prometheusUrl): Repo {
    const repo = gitflowRepo();
    repos.push(repo);
    mkdirSync(path.join(repo.work, '.hotfix'));
    const selector = `namespace="${ns}",app="web"`;
    writeFileSync(
      path.join(repo.work, '.hotfix', 'config.yaml'),
      [
        'prometheus:',
        `  url: ${prometheus}`,
        '  timeout: 2s',
        'targets:',
        '  staging:',
        `    namespace: ${ns}`,
        '    app: web',
        target,
        '    verify:',
        '      interval: 1s',
        '      metrics:',
        '        - name: error-rate',
        `          selector: '${selector}'`,
        '          window: 5s',
        '          max: 0.05',
        '        - name: p95-latency',
        '          kind: latency',
        `          selector: '${selector}'`,
        '          window: 5s',
        '          max: 0.25',
        '',
      ].join('\n'),
    );
    return repo;
  }
  /**
   * The CLI in a child process, awaited without blocking: the traffic service runs in this process and
   * must keep answering Prometheus' scrapes while a deploy runs (spawnSync would starve it).
   */
  const cli = (repo: Repo, ...args: string[]) => run(repo, [...args, `--kubeconfig=${cluster.kubeconfig}`]);
  const cliNoKube = (repo: Repo, ...args: string[]) => run(repo, args);
  const run = (repo: Repo, args: string[]) => runNode([CLI, ...args], { cwd: repo.work });
  const audit = (repo: Repo) => readFileSync(path.join(repo.work, '.git', 'hotfix', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; details?: Record<string, unknown> });
  const state = (repo: Repo) => JSON.parse(readFileSync(path.join(repo.work, '.git', 'hotfix', 'deploys', 'staging.json'), 'utf8')) as DeployState;

  async function stableApp(ns: string, replicas = 4): Promise<void> {
    await k.deployment(ns, 'web', 'web:1.0', { app: 'web', track: 'stable' }, replicas);
    await k.service(ns, 'web', { app: 'web' });
    loop.watch(ns, 'web');
    // Stable's traffic is in Prometheus before the canary starts: the baseline exists.
    await loop.waitForQuery(`sum(rate(http_requests_total{namespace="${ns}",app="web",track="stable"}[5s]))`, (v) => v > 0);
  }
  const canaryTarget = '    strategy: canary\n    canary:\n      steps: [10, 50, 100]\n      pause: 6s';

  it('promotes a good canary through every step on real metrics, each gate passing with its numbers', async () => {
    const ns = await cluster.namespace('gate-good');
    await stableApp(ns);
    const repo = repoFor(ns, canaryTarget);
    try {
      const ran = await cli(repo, 'deploy', '--target=staging', '--image=web:1.1');
      assert.equal(ran.code, 0, ran.err);
      for (const [step, weight] of [[1, 10], [2, 50], [3, 100]] as const) {
        // At 100% stable serves nothing: no baseline to show beside the canary.
        const stable = weight < 100 ? '; stable 0%' : ';';
        assert.match(ran.err, new RegExp(`Canary step ${step} of 3 \\(${weight}%\\) passed the verification gate: error-rate canary at ${weight}% 0% <= 5% over 5s${stable}`));
      }
      assert.match(ran.err, /p95-latency canary at 10% \d+(\.\d)? ms <= 250 ms over 5s; stable \d+(\.\d)? ms/);
      assert.equal(await k.image(ns, 'web'), 'web:1.1');
      const steps = audit(repo).filter((r) => r.action === 'deploy.canary.step');
      assert.deepEqual(steps.map((r) => [r.details?.['step'], r.details?.['gate'], r.details?.['pass'], r.details?.['error-rate']]), [[1, 'verification', true, 0], [2, 'verification', true, 0], [3, 'verification', true, 0]]);
    } finally {
      loop.unwatch(ns, 'web');
    }
  });

  it('aborts a broken canary at its first gate and rolls back; the verdict numbers are in the state, the audit trail and the incident timeline', async () => {
    const ns = await cluster.namespace('gate-broken');
    await stableApp(ns);
    const repo = repoFor(ns, canaryTarget);
    try {
      const declared = await cliNoKube(repo, 'incident', 'create', '--severity=sev2', '--title=Checkout errors', '--impact=high');
      assert.equal(declared.code, 0, declared.err);
      const ran = await cli(repo, 'deploy', '--target=staging', '--image=web-broken:2.0');
      assert.equal(ran.code, 1, ran.out);
      assert.match(ran.err, /Canary step 1 of 3 \(10%\) failed the verification gate: error-rate canary at 10% (3\d|4\d)(\.\d+)?% > 5% over 5s; stable 0%/);
      assert.match(ran.err, /Rolled back automatically/);
      assert.doesNotMatch(ran.err, /Canary step 2 of 3/, 'no traffic moved past the failed gate');
      assert.equal(await k.image(ns, 'web'), 'web:1.0');
      assert.equal((await k.apps.readNamespacedDeployment({ name: 'web-canary', namespace: ns })).spec?.replicas, 0);
      assert.equal((await k.apps.readNamespacedDeployment({ name: 'web', namespace: ns })).spec?.replicas, 4);

      const verdict = state(repo).canary?.verdict;
      const errorRate = verdict?.measurements.find((m) => m.name === 'error-rate');
      assert.equal(verdict?.pass, false);
      assert.equal(errorRate?.outcome, 'fail');
      assert.ok((errorRate?.value ?? 0) > 0.2, `canary error rate ${errorRate?.value}`);
      assert.equal(errorRate?.baseline, 0);
      assert.equal(errorRate?.threshold, 0.05);
      assert.match(errorRate?.query ?? '', /track="canary"/);
      const step = audit(repo).find((r) => r.action === 'deploy.canary.step');
      assert.equal(step?.details?.['pass'], false);
      assert.ok(Number(step?.details?.['error-rate']) > 0.2);

      const shown = await cliNoKube(repo, 'incident', 'show', '--json');
      assert.equal(shown.code, 0, shown.err);
      const events = (JSON.parse(shown.out) as { incident: { events: { type: string; pass?: boolean; step?: string; measurements?: { gate: string; value?: number; threshold?: number }[] }[] } }).incident.events;
      const gate = events.find((e) => e.type === 'gate-verdict');
      assert.equal(gate?.pass, false);
      assert.equal(gate?.step, 'step 1 of 3 (10%)');
      assert.equal(gate?.measurements?.find((m) => m.gate === 'error-rate')?.threshold, 0.05);
      assert.deepEqual(events.map((e) => e.type).slice(-4), ['deploy-started', 'gate-verdict', 'deploy-failed', 'rollback']);
    } finally {
      loop.unwatch(ns, 'web');
    }
  });

  it('a SEV1 incident puts the canary in emergency mode: the fewer, shorter steps, every gate still judged, recorded', async () => {
    const ns = await cluster.namespace('gate-emergency');
    await stableApp(ns, 2);
    const repo = repoFor(ns, '    strategy: canary\n    canary:\n      steps: [10, 25, 50, 75, 100]\n      pause: 5m');
    const config = path.join(repo.work, '.hotfix', 'config.yaml');
    writeFileSync(config, `${readFileSync(config, 'utf8')}      emergency:\n        steps: [50, 100]\n        pause: 4s\n`);
    try {
      const declared = await cliNoKube(repo, 'incident', 'create', '--severity=sev1', '--title=Checkout down', '--impact=high');
      assert.equal(declared.code, 0, declared.err);
      const ran = await cli(repo, 'deploy', '--target=staging', '--image=web:1.2');
      assert.equal(ran.code, 0, ran.err);
      assert.match(ran.out, /emergency mode for INC-\S+ \(SEV1\): canary steps 50, 100% with 4s pauses instead of 10, 25, 50, 75, 100% with 300s; gates still judged: readiness, error-rate, p95-latency/);
      assert.match(ran.err, /Canary step 1 of 2 \(50%\) passed the verification gate: error-rate canary at 50% 0% <= 5%/);
      assert.match(ran.err, /Canary step 2 of 2 \(100%\) passed the verification gate/);
      assert.equal(await k.image(ns, 'web'), 'web:1.2');
      const emergency = audit(repo).find((r) => r.action === 'deploy.emergency');
      assert.equal(emergency?.details?.['steps'], '50,100');
    } finally {
      loop.unwatch(ns, 'web');
    }
  });

  it('with Prometheus unreachable, a canary gate is inconclusive and the canary is aborted: no silent pass', async () => {
    const ns = await cluster.namespace('gate-noprom');
    await k.deployment(ns, 'web', 'web:1.0', { app: 'web', track: 'stable' }, 2);
    await k.service(ns, 'web', { app: 'web' });
    const closed = await closedPort();
    const repo = repoFor(ns, '    strategy: canary\n    canary:\n      steps: [50, 100]\n      pause: 1s', `http://127.0.0.1:${closed}`);
    const ran = await cli(repo, 'deploy', '--target=staging', '--image=web:1.1');
    assert.equal(ran.code, 1, ran.out);
    assert.match(ran.err, /failed the verification gate: inconclusive: error-rate: canary at 50% Prometheus at http:\/\/127\.0\.0\.1:\d+ did not answer: ECONNREFUSED/);
    assert.doesNotMatch(ran.err, /Canary step 2 of 2/);
    assert.equal(await k.image(ns, 'web'), 'web:1.0');
    assert.equal(state(repo).canary?.verdict?.inconclusive, true);
  });

  it('verify --auto-rollback rolls back a bad rolling deploy and records why in the incident', async () => {
    const ns = await cluster.namespace('verify-rollback');
    await stableApp(ns, 2);
    const repo = repoFor(ns, '    strategy: rolling');
    try {
      assert.equal((await cliNoKube(repo, 'incident', 'create', '--severity=sev1', '--title=Checkout down', '--impact=high')).code, 0);
      const deployed = await cli(repo, 'deploy', '--target=staging', '--image=web-broken:2.0');
      assert.equal(deployed.code, 0, deployed.err);
      assert.equal(await k.image(ns, 'web'), 'web-broken:2.0');
      const verified = await cli(repo, 'verify', '--target=staging', '--duration=60s', '--interval=1s', '--auto-rollback', '--json');
      assert.equal(verified.code, 1, verified.err);
      const report = JSON.parse(verified.out) as { ok: boolean; reason: string; rolledBack?: string; measurements: { name: string; value?: number; threshold?: number; outcome?: string }[] };
      // Whichever gate sees the broken version first decides: errors (40%) or latency (0.3 s).
      assert.match(report.reason, /^Verification of staging failed: (error-rate \d+(\.\d+)?% > 5%|p95-latency \d+(\.\d+)? ms > 250 ms) over 5s/);
      assert.ok(report.rolledBack, 'rolled back');
      const failing = report.measurements.filter((m) => m.outcome === 'fail');
      assert.ok(failing.length > 0 && failing.every((m) => (m.value ?? 0) > (m.threshold ?? Infinity)), JSON.stringify(report.measurements));
      assert.equal(await k.image(ns, 'web'), 'web:1.0');
      const actions = audit(repo).map((r) => r.action);
      assert.ok(actions.includes('verify.watch') && actions.includes('verify.auto-rollback'), actions.join(', '));
      const shown = JSON.parse((await cliNoKube(repo, 'incident', 'show', '--json')).out) as { incident: { events: { type: string; reason?: string }[] } };
      assert.deepEqual(shown.incident.events.map((e) => e.type).slice(-2), ['gate-verdict', 'rollback']);
      assert.match(shown.incident.events.at(-1)?.reason ?? '', /verify failed: (error-rate|p95-latency)/);

      // The restored version verifies clean: a watch without failures passes.
      await loop.waitForQuery(`sum(rate(http_requests_total{namespace="${ns}",app="web",code=~"5.."}[5s]))`, (v) => v === 0);
      const clean = await cli(repo, 'verify', '--target=staging', '--duration=2s', '--interval=1s');
      assert.equal(clean.code, 0, clean.err);
      assert.match(clean.out, /staging verified: 3 rounds over 2s passed: error-rate 0% <= 5% over 5s/);
    } finally {
      loop.unwatch(ns, 'web');
    }
  });
});
