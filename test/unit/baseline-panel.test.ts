// The canary view of metrics judged against their baseline, without VS Code: what views.ts sends the
// page for a comparison (both summaries, the test, the effect, the verdict and its line), the samples
// of the latest step only and capped, the canary score apart from the numbers, and the page's report.

import assert from 'node:assert/strict';
import type { GateMeasurement } from '../../src/core/deploy/canary-gate';
import type { DeployState, StepVerdict } from '../../src/core/deploy/state';
import { canaryView, COMPARED_POINTS, comparedSeries, numbersView } from '../../src/extension/panel/views';
import { isHostToWebview, isWebviewToHost } from '../../src/shared/protocol';

const at = (m: number) => new Date(Date.UTC(2026, 10, 27, 10, m)).toISOString();
const T0 = Date.UTC(2026, 10, 27, 10, 0);
const LINE = 'p95-latency: canary 95.3 ms vs baseline 48.8 ms (+95%, tolerance 10%), p < 0.001: fail';

/** `n` samples every 15 s from T0; the 3rd is NaN (no traffic), as Prometheus can answer. */
const samples = (n: number, value: number): [number, number][] => Array.from({ length: n }, (_, i) => [T0 + i * 15_000, i === 2 ? Number.NaN : value + i / 1e6]);

function p95(verdict: 'pass' | 'fail', n: number): GateMeasurement {
  return {
    name: 'p95-latency', outcome: verdict, at: at(5), window: '5m', query: 'histogram_quantile(0.95, …)',
    against: {
      verdict, line: verdict === 'fail' ? LINE : 'p95-latency: canary 49 ms vs baseline 48.8 ms (+0%, tolerance 10%), p = 0.41: pass',
      canary: { n: 30, min: 0.081, q1: 0.09, median: 0.0953, q3: 0.101, max: 0.12 },
      baseline: { n: 30, min: 0.041, q1: 0.046, median: 0.0488, q3: 0.052, max: 0.061 },
      u: 812, p: 0.00002, method: 'exact', alternative: 'greater', ratio: 1.953, cliffsDelta: 0.82,
      tolerance: 0.1, weight: 1, critical: true,
    },
    series: { canary: samples(n, 0.095), baseline: samples(n, 0.048) },
  };
}

const errorRate: GateMeasurement = {
  name: 'error-rate', outcome: 'inconclusive', at: at(5),
  against: { verdict: 'no-data', line: 'error-rate: no baseline to compare with', canary: { n: 0, min: Number.NaN, q1: Number.NaN, median: Number.NaN, q3: Number.NaN, max: Number.NaN }, tolerance: 0.2, weight: 2, critical: false },
};
const score = (value: number, outcome: 'pass' | 'fail'): GateMeasurement => ({ name: 'canary score', value, threshold: 95, comparison: '>=', outcome, at: at(5) });
const ready: GateMeasurement = { name: 'web-canary available', value: 1, threshold: 1, comparison: '>=', outcome: 'pass' };

function state(verdicts: StepVerdict[]): DeployState {
  return {
    version: 1, id: 'op', target: 'web', strategy: 'canary', context: 'c', namespace: 'n', image: 'web:2', startedAt: at(0), actor: 'Ada', meta: {}, plan: [], done: ['lock', 'preflight'],
    canary: { steps: [10, 25, 50], traffic: 'replicas', pauseMs: 60_000, index: 1, weight: 25, phase: 'paused', verdict: verdicts.at(-1)?.verdict, verdicts },
  } as unknown as DeployState;
}

describe('panel: canary against baseline', () => {
  const verdicts: StepVerdict[] = [
    { step: 1, weight: 10, gate: 'verification', at: at(2), verdict: { pass: true, reason: 'canary score 100 (pass >= 95): p95-latency pass', measurements: [score(100, 'pass'), p95('pass', 10), ready] } },
    { step: 2, weight: 25, gate: 'verification', at: at(5), verdict: { pass: false, reason: 'critical p95-latency failed', measurements: [score(67, 'fail'), p95('fail', 400), errorRate, ready] } },
  ];
  const view = canaryView({ state: state(verdicts), target: 'web', app: 'web', series: [], running: true });

  it('carries each comparison: both five-number summaries, U, p, the method, the effect, the tolerance, the weight and the line', () => {
    const latest = view?.verdicts[1];
    assert.deepEqual(latest?.numbers.map((n) => n.gate), ['p95-latency', 'error-rate', 'web-canary available'], 'the score is not among the numbers');
    const against = latest?.numbers[0]?.against;
    assert.deepEqual(against, {
      verdict: 'fail', line: LINE, tolerance: 0.1, weight: 1, critical: true,
      canary: { n: 30, min: 0.081, q1: 0.09, median: 0.0953, q3: 0.101, max: 0.12 },
      baseline: { n: 30, min: 0.041, q1: 0.046, median: 0.0488, q3: 0.052, max: 0.061 },
      u: 812, p: 0.00002, method: 'exact', alternative: 'greater', ratio: 1.953, cliffsDelta: 0.82,
    });
    assert.equal(latest?.numbers[0]?.verdict, 'fail');
    assert.equal(latest?.numbers[0]?.window, '5m');
  });

  it('drops an empty sample\'s summary (NaN would reach the page as null)', () => {
    const against = view?.verdicts[1]?.numbers[1]?.against;
    assert.deepEqual(against, { verdict: 'no-data', line: 'error-rate: no baseline to compare with', tolerance: 0.2, weight: 2, critical: false });
    assert.equal(JSON.stringify(view).includes('null'), false, 'nothing non-finite is sent');
  });

  it('sends the samples of the latest step only, its last 360 finite points of each track', () => {
    assert.equal(view?.verdicts[0]?.numbers[0]?.series, undefined, 'an earlier step: the summaries, not the samples');
    const series = view?.verdicts[1]?.numbers[0]?.series;
    assert.equal(series?.canary.length, COMPARED_POINTS);
    assert.equal(series?.baseline.length, COMPARED_POINTS);
    assert.deepEqual(series?.canary.at(-1), [T0 + 399 * 15_000, 0.095 + 399 / 1e6], 'the latest ones');
    assert.deepEqual(series?.canary[0], [T0 + 40 * 15_000, 0.095 + 40 / 1e6]);
    assert.deepEqual(comparedSeries({ canary: samples(5, 1), baseline: [] }).canary.map(([t]) => (t - T0) / 15_000), [0, 1, 3, 4], 'NaN left out');
    assert.equal(view?.verdicts[1]?.numbers[1]?.series, undefined, 'no samples, none sent');
  });

  it('gives the canary score apart, with its pass band and verdict', () => {
    assert.deepEqual(view?.verdicts.map((v) => v.score), [{ verdict: 'pass', value: 100, pass: 95 }, { verdict: 'fail', value: 67, pass: 95 }]);
  });

  it('leaves a measurement that is no comparison as it was, and a verdict without comparisons without a score', () => {
    assert.deepEqual(view?.verdicts[1]?.numbers[2], { gate: 'web-canary available', value: 1, threshold: 1, comparison: '>=', verdict: 'pass' });
    const plain = canaryView({ state: state([{ step: 1, weight: 10, gate: 'verification', at: at(2), verdict: { pass: true, reason: 'ok', measurements: [score(100, 'pass'), ready] } }]), target: 'web', app: 'web', series: [], running: false });
    assert.equal(plain?.verdicts[0]?.score, undefined, 'a metric named like the score, with nothing compared, stays a number');
    assert.deepEqual(plain?.verdicts[0]?.numbers.map((n) => n.gate), ['canary score', 'web-canary available']);
  });

  it('replaces the timeline\'s medians-only comparison with the full one, and keeps samples out unless asked', () => {
    const m = p95('fail', 3);
    const numbers = numbersView(m);
    assert.equal(numbers.against?.canaryMedian, undefined);
    assert.equal(numbers.against?.canary?.median, 0.0953);
    assert.equal(numbers.series, undefined);
    assert.equal(numbersView(m, true).series?.canary.length, 2);
  });

  it('passes the guards both ways, and the page may report the comparison lines it shows', () => {
    assert.equal(isHostToWebview(JSON.parse(JSON.stringify({ kind: 'canary', canary: view }))), true);
    assert.equal(isWebviewToHost({ kind: 'canary-rendered', target: 'web', failures: [], comparisons: [LINE] }), true);
    assert.equal(isWebviewToHost({ kind: 'canary-rendered', target: 'web', failures: [] }), true, 'a page that shows none need not say so');
    assert.equal(isWebviewToHost({ kind: 'canary-rendered', target: 'web', failures: [], comparisons: [7] }), false);
    assert.equal(isWebviewToHost({ kind: 'canary-rendered', target: 'web', failures: [], comparisons: Array(51).fill('x') }), false);
    assert.equal(isWebviewToHost({ kind: 'canary-rendered', target: 'web', failures: [], comparisons: ['x'.repeat(2001)] }), false);
  });
});
