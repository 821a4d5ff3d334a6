// The verification engine with fake ports (a scripted metrics source, a scripted prober and a
// manual clock): query building, verdicts with their numbers, no-data handling, limits, flapping.
// The real Prometheus and real HTTP endpoints are in test/integration/verify*.test.ts.

import assert from 'node:assert/strict';
import { resolveVerify, queryFor } from '../../src/core/verify/settings';
import { measureMetric } from '../../src/core/verify/metrics';
import { Judge } from '../../src/core/verify/judge';
import { watch } from '../../src/core/verify/watch';
import { emergencyPlan } from '../../src/core/verify/emergency';
import { resolveTarget } from '../../src/core/config/targets';
import type { MetricAnswer, MetricsSource, ProbeAnswer } from '../../src/core/verify/probes';
import type { Clock } from '../../src/core/ports';
import type { MetricGateConfig, TargetConfig } from '../../src/core/config/types';

class ManualClock implements Clock {
  constructor(private t = Date.parse('2026-11-27T10:00:00Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  sleep(ms: number): Promise<void> {
    this.t += ms;
    return Promise.resolve();
  }
}

/** Answers each query by the first matching rule; records what it was asked. */
function fakeSource(rules: readonly [RegExp, MetricAnswer][]): MetricsSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    where: 'http://prometheus.test',
    asked,
    query(promql) {
      asked.push(promql);
      return Promise.resolve(rules.find(([re]) => re.test(promql))?.[1] ?? { ok: true, values: [] });
    },
  };
}

const target = (metrics: MetricGateConfig[], extra: Partial<NonNullable<TargetConfig['verify']>> = {}): TargetConfig => ({ namespace: 'payments', app: 'checkout', verify: { metrics, ...extra } });
const settingsOf = (metrics: MetricGateConfig[], extra: Partial<NonNullable<TargetConfig['verify']>> = {}) =>
  resolveVerify({ prometheus: { url: 'http://prometheus.test/' } }, target(metrics, extra));
const at = () => new Date('2026-11-27T10:00:00Z');

describe('verification engine (fake metrics source, fake prober, manual clock)', () => {
  it('builds error-rate, latency and written PromQL queries with the selector and the track', () => {
    const s = settingsOf([
      { name: 'errors', selector: 'app="checkout"', max: 0.01 },
      { name: 'p95', kind: 'latency', selector: 'app="checkout"', window: '5m', max: 0.5 },
      { name: 'custom', query: 'sum(up{ {{selector}} })', min: 1, selector: 'job="x"' },
    ]);
    assert.equal(s.prometheusUrl, 'http://prometheus.test');
    const [errors, p95, custom] = s.metrics;
    assert.ok(errors && p95 && custom);
    assert.equal(queryFor(errors, 'track="canary"'), 'sum(rate(http_requests_total{app="checkout",track="canary",code=~"5.."}[1m])) / sum(rate(http_requests_total{app="checkout",track="canary"}[1m]))');
    assert.equal(queryFor(p95), 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{app="checkout"}[5m])))');
    assert.equal(queryFor(custom, 'track="stable"'), 'sum(up{ job="x",track="stable" })');
  });

  it('fails a breached bound with the numbers in words, and passes within it', async () => {
    const [gate] = settingsOf([{ name: 'error-rate', selector: 'app="checkout"', max: 0.01 }]).metrics;
    assert.ok(gate);
    const bad = await measureMetric(fakeSource([[/canary/, { ok: true, values: [0.079] }], [/stable/, { ok: true, values: [0] }]]), gate, { judged: 'track="canary"', baseline: 'track="stable"', label: 'canary at 25%' }, at);
    assert.equal(bad.outcome, 'fail');
    assert.equal(bad.value, 0.079);
    assert.equal(bad.baseline, 0);
    assert.equal(bad.threshold, 0.01);
    assert.equal(bad.reason, 'error-rate canary at 25% 7.9% > 1% over 1m; stable 0%');
    const good = await measureMetric(fakeSource([[/./, { ok: true, values: [0.002] }]]), gate, {}, at);
    assert.equal(good.outcome, 'pass');
    assert.match(good.reason, /0\.2% <= 1%/);
  });

  it('lets a canary above the bound pass when stable is worse (the bug being fixed), not when it is better', async () => {
    const [gate] = settingsOf([{ name: 'error-rate', max: 0.01 }]).metrics;
    assert.ok(gate);
    const scope = { judged: 'track="canary"', baseline: 'track="stable"' };
    const better = await measureMetric(fakeSource([[/canary/, { ok: true, values: [0.03] }], [/stable/, { ok: true, values: [0.2] }]]), gate, scope, at);
    assert.equal(better.outcome, 'pass');
    assert.match(better.reason, /no worse than stable's 20%/);
    const worse = await measureMetric(fakeSource([[/canary/, { ok: true, values: [0.3] }], [/stable/, { ok: true, values: [0.2] }]]), gate, scope, at);
    assert.equal(worse.outcome, 'fail');
  });

  it('never passes on no data: empty or NaN is inconclusive by default or a failure if the gate says so; unreachable is inconclusive', async () => {
    const [lenient, strict] = settingsOf([{ name: 'a', max: 1 }, { name: 'b', max: 1, noData: 'fail' }]).metrics;
    assert.ok(lenient && strict);
    const empty = fakeSource([]);
    const nan = fakeSource([[/./, { ok: true, values: [Number.NaN] }]]);
    const down = fakeSource([[/./, { ok: false, error: 'ECONNREFUSED' }]]);
    assert.equal((await measureMetric(empty, lenient, {}, at)).outcome, 'inconclusive');
    assert.equal((await measureMetric(empty, strict, {}, at)).outcome, 'fail');
    assert.match((await measureMetric(nan, strict, {}, at)).reason, /NaN/);
    const unreachable = await measureMetric(down, strict, {}, at);
    assert.equal(unreachable.outcome, 'inconclusive');
    assert.match(unreachable.reason, /Prometheus at http:\/\/prometheus.test did not answer: ECONNREFUSED/);
  });

  it('counts failures and inconclusive measurements against their limits across rounds', async () => {
    const clock = new ManualClock();
    const answers: MetricAnswer[] = [{ ok: true, values: [0.5] }, { ok: true, values: [0] }, { ok: true, values: [0.5] }];
    const source: MetricsSource = { where: 'x', query: () => Promise.resolve(answers.shift() ?? { ok: true, values: [] }) };
    const s = settingsOf([{ name: 'errors', max: 0.01 }], { failureLimit: 1, inconclusiveLimit: 0 });
    const judge = new Judge({ metrics: source, prober: { get: () => Promise.reject(new Error('unused')) }, clock }, s, []);
    const first = judge.decide(await judge.metricRound({}));
    assert.equal(first.outcome, 'pass');
    assert.match(first.reason, /1 of 1 tolerated failures used/);
    assert.equal(judge.decide(await judge.metricRound({})).outcome, 'pass');
    const third = judge.decide(await judge.metricRound({}));
    assert.equal(third.outcome, 'fail');
    assert.match(third.reason, /2 failed measurements, limit 1/);
    const fourth = judge.decide(await judge.metricRound({}));
    assert.equal(fourth.outcome, 'fail', 'no data after the limit is used: still failed');
  });

  it('calls it inconclusive (not a pass) when there is no Prometheus configured', async () => {
    const s = resolveVerify({}, target([{ name: 'errors', max: 0.01 }]));
    const judge = new Judge({ prober: { get: () => Promise.reject(new Error('unused')) }, clock: new ManualClock() }, s, []);
    const round = judge.decide(await judge.metricRound({}));
    assert.equal(round.outcome, 'inconclusive');
    assert.match(round.reason, /no Prometheus is configured/);
  });

  it('fails a health endpoint only after failureThreshold failures in a row; a flap passes', async () => {
    const clock = new ManualClock();
    const script = (statuses: number[]) => ({ get: (): Promise<ProbeAnswer> => Promise.resolve({ ok: true, status: statuses.shift() ?? 200, body: 'ok', ms: 3 }) });
    const s = resolveVerify({}, { namespace: 'n', app: 'a', verify: { health: { critical: [{ url: 'http://h.test/healthz', failureThreshold: 3 }] } } });
    const endpoints = s.health.critical ?? [];
    const flapping = await watch({ prober: script([500, 500, 200, 500, 500, 200]), clock }, s, { durationMs: 5000, intervalMs: 1000, endpoints });
    assert.equal(flapping.outcome, 'pass');
    assert.equal(flapping.rounds, 6);
    const down = await watch({ prober: script([200, 500, 500, 500, 200]), clock }, s, { durationMs: 60_000, intervalMs: 1000, endpoints });
    assert.equal(down.outcome, 'fail');
    assert.equal(down.rounds, 4, 'stops at the deciding round');
    assert.match(down.reason, /3 failed probes in a row \(threshold 3\); last: GET http:\/\/h.test\/healthz answered 500, expected 200/);
  });

  it('checks the body against bodyMatch', async () => {
    const clock = new ManualClock();
    const s = resolveVerify({}, { namespace: 'n', app: 'a', verify: { health: { g: [{ url: 'http://h.test/', bodyMatch: '"status":\\s*"ok"', failureThreshold: 1 }] } } });
    const prober = { get: (): Promise<ProbeAnswer> => Promise.resolve({ ok: true, status: 200, body: '{"status": "degraded"}', ms: 1 }) };
    const report = await watch({ prober, clock }, s, { durationMs: 0, intervalMs: 1000, endpoints: s.health.g ?? [] });
    assert.equal(report.outcome, 'fail');
    assert.match(report.reason, /body does not match/);
  });

  it('emergency mode: only for SEV0/SEV1 canaries with emergency steps configured; gates untouched', () => {
    const resolved = resolveTarget({ targets: { prod: { namespace: 'p', app: 'a', strategy: 'canary', verify: { metrics: [{ name: 'errors', max: 0.01 }], emergency: { steps: [50, 100], pause: '30s' } } } } }, 'prod');
    assert.ok(resolved.ok);
    const plan = emergencyPlan(resolved.value, { id: 'INC-1', severity: 'SEV0' });
    assert.deepEqual(plan?.target.canary.steps, [50, 100]);
    assert.equal(plan?.target.canary.pauseMs, 30_000);
    assert.deepEqual(plan?.target.verify, resolved.value.verify);
    assert.match(plan?.note ?? '', /gates still judged: readiness, errors/);
    assert.equal(emergencyPlan(resolved.value, { id: 'INC-2', severity: 'SEV2' }), undefined);
    assert.equal(emergencyPlan(resolved.value, undefined), undefined);
    const bad = resolveTarget({ targets: { prod: { namespace: 'p', app: 'a', verify: { emergency: { steps: [50, 90] } } } } }, 'prod');
    assert.equal(bad.ok, false);
  });
});
