// Issue #21: a canary judged against its baseline on the real loop: a canary deploy (built CLI) -> the
// test cluster -> the traffic service, which serves each track's latency distribution from its image
// (`web-lat52-jit20`: a 52 ms mean, spread 20%; test/prometheus/traffic.mjs) -> a real Prometheus -> at
// each step, the canary's p95 samples against stable's over the same window (a Mann-Whitney U test),
// the canary score, and promotion or abort.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DeployState } from '../../src/core/deploy/state';
import { apps, type Apps } from './fixtures/apps';
import { kubeCluster, KUBE_START_TIMEOUT_MS, waitFor, type KubeCluster } from './fixtures/cluster';
import { metricsLoop, METRICS_START_TIMEOUT_MS, type MetricsLoop } from './fixtures/prometheus';
import { runNode } from './fixtures/process';
import { receiver } from './fixtures/receivers';
import { gitflowRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

describe('canary against its baseline on a real Prometheus: Mann-Whitney per metric, the score, the verdict explained (built CLI, real control plane)', function () {
  this.timeout(240_000);
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

  /** Target `staging` in `ns`: a canary of [50, 100] whose gate is the p95 latency compared with stable's. */
  function repoFor(ns: string, gate: string[], canary: string[] = ['steps: [50, 100]', 'pause: 20s'], verify: string[] = [], extra: string[] = []): Repo {
    const repo = gitflowRepo();
    repos.push(repo);
    mkdirSync(path.join(repo.work, '.hotfix'));
    writeFileSync(
      path.join(repo.work, '.hotfix', 'config.yaml'),
      [
        'prometheus:',
        `  url: ${loop.prometheusUrl}`,
        'targets:',
        '  staging:',
        `    namespace: ${ns}`,
        '    app: web',
        '    strategy: canary',
        '    canary:',
        ...canary.map((l) => `      ${l}`),
        '    verify:',
        ...verify.map((l) => `      ${l}`),
        '      metrics:',
        '        - name: p95-latency',
        '          kind: latency',
        `          selector: 'namespace="${ns}",app="web"'`,
        '          window: 6s',
        '          compare: baseline',
        '          step: 2s',
        ...gate.map((l) => `          ${l}`),
        ...extra,
        '',
      ].join('\n'),
    );
    return repo;
  }
  const cli = (repo: Repo, ...args: string[]) => runNode([CLI, ...args, `--kubeconfig=${cluster.kubeconfig}`], { cwd: repo.work, env: channels });
  const cliNoKube = (repo: Repo, ...args: string[]) => runNode([CLI, ...args], { cwd: repo.work, env: channels });
  /** The Slack and Teams webhooks: real receivers on 127.0.0.1. */
  let channels: Record<string, string> = {};

  async function stableApp(ns: string, image: string): Promise<void> {
    await k.deployment(ns, 'web', image, { app: 'web', track: 'stable' }, 4);
    await k.service(ns, 'web', { app: 'web' });
    loop.watch(ns, 'web');
    await loop.waitForQuery(`sum(rate(http_requests_total{namespace="${ns}",app="web",track="stable"}[5s]))`, (v) => v > 0);
  }

  it('fails a canary 30% slower than stable although it stays under the fixed bound, and says why in one line', async () => {
    const ns = await cluster.namespace('baseline-slower');
    await stableApp(ns, 'web-lat40-jit20:1.0');
    const repo = repoFor(ns, ['tolerance: 10%', 'max: 0.25'], undefined, undefined, ['notifications:', '  slack: {}', '  teams: {}']);
    const slack = await receiver(() => ({ status: 200, body: 'ok' }));
    const teams = await receiver(() => ({ status: 202, body: '' }));
    channels = { HOTFIX_SLACK_WEBHOOK_URL: `${slack.base}/services/T0/B0/SLACKSECRET`, HOTFIX_TEAMS_WEBHOOK_URL: `${teams.base}/workflows/TEAMSSECRET` };
    try {
      const declared = await cliNoKube(repo, 'incident', 'create', '--severity=sev2', '--title=Checkout slow', '--impact=high');
      assert.equal(declared.code, 0, declared.err);
      const ran = await cli(repo, 'deploy', '--target=staging', '--image=web-lat52-jit20:1.1');
      if (process.env.VERBOSE === '1') console.log(ran.err);
      assert.equal(ran.code, 1, ran.err);
      // The fixed bound alone would have passed it: p95 under 250 ms.
      assert.match(ran.err, /p95-latency canary at 50% \d+(\.\d)? ms <= 250 ms over 6s/);
      assert.match(ran.err, /Canary step 1 of 2 \(50%\) failed the verification gate: canary score 0 \(fail < 75\): p95-latency fail/);
      assert.match(ran.err, /p95-latency: canary \d+(\.\d)? ms vs baseline \d+(\.\d)? ms \(\+\d+%, tolerance 10%\), p [<=] 0\.0\d+: fail/);
      assert.equal(await k.image(ns, 'web'), 'web-lat40-jit20:1.0', 'rolled back: stable keeps its image');
      // The verdict the deploy state keeps (what the panel and verify --json show): the test, the effect, both series.
      const state = JSON.parse(readFileSync(path.join(repo.work, '.git', 'hotfix', 'deploys', 'staging.json'), 'utf8')) as DeployState;
      const compared = state.canary?.verdict?.measurements.find((m) => m.name === 'p95-latency' && m.against);
      assert.ok(compared?.against?.canary && compared.against.baseline && compared.against.p !== undefined && compared.against.ratio !== undefined, JSON.stringify(state.canary?.verdict));
      assert.equal(compared.against.verdict, 'fail');
      assert.ok(compared.against.p < 0.05 && compared.against.ratio > 1.1, JSON.stringify(compared.against));
      assert.ok(compared.against.canary.n >= 5 && compared.against.baseline.n >= 5, 'samples over the step, 2 s apart');
      assert.equal(compared.series?.canary.length, compared.against.canary.n, 'the samples judged are the series shown');
      // The Slack and Teams messages of the failed deploy carry the numbers and the one-line reason.
      // (Slack's mrkdwn escapes < as &lt;, the Teams card as ‹.)
      const line = /p95-latency: canary \d+(\.\d)? ms vs baseline \d+(\.\d)? ms \(\+\d+%, tolerance 10%\), p (<|&lt;|‹|=) 0\.0\d+: fail/;
      for (const [name, r] of [['Slack', slack], ['Teams', teams]] as const) {
        assert.ok(r.hits.some((h) => line.test(h.text)), `${name} got the comparison line: ${r.hits.map((h) => h.text).join('\n')}`);
      }
      // The timeline's gate verdict keeps the comparison's numbers.
      const shown = JSON.parse((await cliNoKube(repo, 'incident', 'show', '--json')).out) as { incident: { events: { type: string; measurements?: { gate: string; against?: { verdict: string; p?: number; ratio?: number; line: string } }[] }[] } };
      const gate = shown.incident.events.find((e) => e.type === 'gate-verdict');
      const numbers = gate?.measurements?.find((m) => m.against)?.against;
      assert.equal(numbers?.verdict, 'fail');
      assert.match(numbers?.line ?? '', line);
    } finally {
      channels = {};
      await slack.close();
      await teams.close();
      loop.unwatch(ns, 'web');
    }
  });

  it('passes on a day when everything is slow, canary and baseline alike', async () => {
    const ns = await cluster.namespace('baseline-slow-day');
    await stableApp(ns, 'web-lat300-jit20:1.0');
    const repo = repoFor(ns, ['tolerance: 10%']);
    try {
      const ran = await cli(repo, 'deploy', '--target=staging', '--image=web-lat300-jit20:1.1');
      assert.equal(ran.code, 0, ran.err);
      assert.match(ran.err, /Canary step 1 of 2 \(50%\) passed the verification gate: canary score 100 \(pass >= 95\): p95-latency pass; p95-latency: canary \d+(\.\d)? ms vs baseline \d+(\.\d)? ms \(([+-]?[1-9]\d*|0)%, tolerance 10%\), p = [\d.]+: pass/);
      assert.equal(await k.image(ns, 'web'), 'web-lat300-jit20:1.1');
    } finally {
      loop.unwatch(ns, 'web');
    }
  });

  it('calls a small, noisy sample marginal, not fail: counted as inconclusive, within the limit, the canary goes on', async () => {
    const ns = await cluster.namespace('baseline-small');
    await stableApp(ns, 'web-lat40-jit60:1.0');
    const repo = repoFor(ns, ['tolerance: 10%', 'minSamples: 8'], ['steps: [50, 100]', 'pause: 5s'], ['inconclusiveLimit: 1']);
    try {
      const ran = await cli(repo, 'deploy', '--target=staging', '--image=web-lat44-jit60:1.1');
      assert.equal(ran.code, 0, ran.err);
      assert.match(ran.err, /p95-latency: canary \d+(\.\d)? ms vs baseline \d+(\.\d)? ms \(([+-]?[1-9]\d*|0)%, tolerance 10%\), p = [\d.]+: marginal \(\d canary and \d baseline samples; 8 each decide\)/);
      assert.match(ran.err, /canary score 100, marginal: p95-latency undecided/);
      assert.match(ran.err, /1 of 1 tolerated inconclusive used/);
      assert.doesNotMatch(ran.err, /p95-latency: canary [^;]*: fail/);
    } finally {
      loop.unwatch(ns, 'web');
    }
  });

  it('canary.baseline: deployment runs <app>-baseline from stable\'s image at the canary\'s size, compares with its pods, and scales it to 0 at the end', async () => {
    const ns = await cluster.namespace('baseline-deploy');
    await stableApp(ns, 'web-lat40-jit20:1.0');
    const repo = repoFor(ns, ['tolerance: 10%'], ['steps: [50, 100]', 'pause: 15s', 'baseline: deployment']);
    try {
      const ran = await cli(repo, 'deploy', '--target=staging', '--image=web-lat40-jit20:1.1');
      assert.equal(ran.code, 0, ran.err);
      assert.match(ran.err, /Creating web-baseline from web's spec and image, at 0 replicas: the canary's baseline/);
      assert.match(ran.err, /Scaling web-baseline to 2: the baseline at the canary's size/);
      assert.match(ran.err, /Canary step 1 of 2 \(50%\): web-canary 2, web 2, web-baseline 2 replicas/);
      assert.match(ran.err, /Canary step 1 of 2 \(50%\) passed the verification gate: canary score 100 \(pass >= 95\)/);
      const state = JSON.parse(readFileSync(path.join(repo.work, '.git', 'hotfix', 'deploys', 'staging.json'), 'utf8')) as DeployState;
      assert.equal(state.canary?.baseline, 'web-baseline', 'the state names it, so a crash\'s rollback parks it too');
      const compared = state.canary?.verdicts?.[0]?.verdict.measurements.find((m) => m.against);
      assert.match(compared?.against?.baselineQuery ?? '', /track="baseline"/, 'compared with the baseline Deployment\'s pods, not stable\'s');
      assert.match(compared?.query ?? '', /track="canary"/);
      assert.ok((compared?.against?.baseline?.n ?? 0) >= 5, JSON.stringify(compared?.against));
      const baseline = await k.apps.readNamespacedDeployment({ name: 'web-baseline', namespace: ns });
      assert.equal(baseline.spec?.replicas, 0, 'scaled to 0 when the canary ended');
      assert.equal(baseline.spec?.template.spec?.containers[0]?.image, 'web-lat40-jit20:1.0', "stable's image");
      assert.equal(baseline.spec?.template.metadata?.labels?.['track'], 'baseline');
      assert.equal(await k.image(ns, 'web'), 'web-lat40-jit20:1.1');
    } finally {
      loop.unwatch(ns, 'web');
    }
  });

  it('a canary killed in its pause leaves the baseline up: verify --json compares with it; the rollback that follows scales it to 0 from the state', async () => {
    const ns = await cluster.namespace('baseline-crash');
    await stableApp(ns, 'web-lat40-jit20:1.0');
    const repo = repoFor(ns, ['tolerance: 10%'], ['steps: [50, 100]', 'pause: 60s', 'baseline: deployment']);
    const stateFile = path.join(repo.work, '.git', 'hotfix', 'deploys', 'staging.json');
    try {
      const child = spawn(process.execPath, [CLI, 'deploy', '--target=staging', '--image=web-lat40-jit20:1.1', `--kubeconfig=${cluster.kubeconfig}`], { cwd: repo.work, stdio: 'ignore' });
      await waitFor('the canary to pause at its first step', () => existsSync(stateFile) && (JSON.parse(readFileSync(stateFile, 'utf8')) as DeployState).canary?.phase === 'paused', 60_000, 50);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const replicas = async (name: string) => (await k.apps.readNamespacedDeployment({ name, namespace: ns })).spec?.replicas;
      assert.equal(await replicas('web-baseline'), 2, 'the kill left the baseline beside the canary');
      // verify during the canary compares as its steps do: the canary's track against the baseline Deployment's.
      // Once both tracks have latency in Prometheus, and the window since the pause holds enough samples.
      for (const track of ['canary', 'baseline']) {
        await loop.waitForQuery(`histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="${ns}",app="web",track="${track}"}[6s])))`, (v) => v > 0);
      }
      await new Promise((r) => setTimeout(r, 14_000));
      const verified = await cli(repo, 'verify', '--target=staging', '--duration=2s', '--interval=1s', '--json');
      assert.equal(verified.code, 0, verified.err + verified.out.slice(0, 3000));
      const doc = JSON.parse(verified.out) as { outcome: string; measurements: { name: string; against?: { verdict: string; line: string; baselineQuery?: string; canary?: { n: number }; baseline?: { n: number }; p?: number }; series?: { canary: unknown[] } }[] };
      const compared = doc.measurements.find((m) => m.against);
      assert.ok(compared?.against, verified.out.slice(0, 1500));
      assert.match(compared.against.baselineQuery ?? '', /track="baseline"/);
      assert.match(compared.against.line, /^p95-latency: canary \d+(\.\d)? ms vs baseline \d+(\.\d)? ms \(([+-]?[1-9]\d*|0)%, tolerance 10%\), p [=<] [\d.]+: (pass|marginal)/);
      assert.ok(compared.series && compared.series.canary.length === compared.against.canary?.n, 'the samples in the document');
      assert.ok(doc.measurements.some((m) => m.name === 'canary score'), 'and the score');
      const rolled = await cli(repo, 'rollback', '--target=staging', '--yes');
      assert.equal(rolled.code, 0, rolled.err);
      assert.deepEqual([await replicas('web'), await replicas('web-canary'), await replicas('web-baseline')], [4, 0, 0]);
      assert.match(rolled.out + rolled.err, /web-baseline scaled to 0/);
    } finally {
      loop.unwatch(ns, 'web');
    }
  });

  it('no data follows the policy: a failure when the gate says so, never a pass', async () => {
    const ns = await cluster.namespace('baseline-nodata');
    await stableApp(ns, 'web:1.0');
    const repo = repoFor(ns, ['histogram: not_exported_seconds', 'noData: fail']);
    try {
      const ran = await cli(repo, 'deploy', '--target=staging', '--image=web:1.1');
      assert.equal(ran.code, 1, ran.err);
      assert.match(ran.err, /Canary step 1 of 2 \(50%\) failed the verification gate: canary score 0 \(fail < 75\): p95-latency no-data/);
      assert.match(ran.err, /p95-latency: no data for the canary and baseline in the window/);
      assert.equal(await k.image(ns, 'web'), 'web:1.0');
    } finally {
      loop.unwatch(ns, 'web');
    }
  });
});
