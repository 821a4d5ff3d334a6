// The Mann-Whitney U test held to published worked examples, every expected number from its source:
// - R's own example in ?wilcox.test (R 4.2.2, package stats), from Hollander & Wolfe (1973, p. 69),
//   permeability constants of the human chorioamnion: W = 35, one-sided "greater" exact p = 0.1272
//   (0.127206127206127 in full; with exact = FALSE, the normal approximation with continuity
//   correction, 0.122311802563492, printed by the same R);
// - SciPy's example in scipy.stats.mannwhitneyu (SciPy 1.11 documentation; R gives the same), ages at diagnosis:
//   U = 17, two-sided exact p = 0.1111111111111111, asymptotic p = 0.11134688653314041;
// - with ties, DolphinDB's documented example of mannWhitneyUTest(5 1 4 3 5, 2 4 7 -1 0 4): U = 11,
//   p two-sided 0.518023, "less" 0.259011, "greater" 0.797036. DolphinDB reports U and the
//   alternatives of the second sample; R 4.2.2 gives the same figures for wilcox.test(y, x)
//   (0.518022094590376, 0.259011047295188, 0.79703641143441), and those are checked here.

import assert from 'node:assert/strict';
import { compareSamples, type CompareVerdict } from '../../src/core/verify/stats/compare';
import { mannWhitneyU, rank } from '../../src/core/verify/stats/mann-whitney';
import { scoreMetrics, type ScoredMetric } from '../../src/core/verify/stats/score';

const close = (actual: number, expected: number, digits: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 10 ** -digits, `${what}: ${actual} is not ${expected} to ${digits} digits`);

describe('Mann-Whitney U: published worked examples', () => {
  it("R's ?wilcox.test example (Hollander & Wolfe): W = 35, exact one-sided p = 0.1272; with the normal approximation 0.1223", () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const exact = mannWhitneyU(x, y, 'greater');
    assert.deepEqual([exact.u, exact.method, exact.ties], [35, 'exact', false]);
    close(exact.p, 0.127206127206127, 12, 'exact p');
    const normal = mannWhitneyU(x, y, 'greater', 'normal');
    assert.equal(normal.method, 'normal');
    close(normal.p, 0.122311802563492, 12, 'normal p');
    assert.equal(mannWhitneyU([...x, 5], [...y, 5], 'greater').method, 'normal', 'a tie takes the approximation');
  });

  it("SciPy's example: U = 17, two-sided exact p = 0.1111, asymptotic (continuity-corrected) p = 0.111347", () => {
    const males = [19, 22, 16, 29, 24];
    const females = [20, 11, 17, 12];
    const exact = mannWhitneyU(males, females, 'two-sided');
    assert.equal(exact.u, 17);
    close(exact.p, 0.1111111111111111, 14, 'exact p');
    close(mannWhitneyU(males, females, 'two-sided', 'normal').p, 0.11134688653314041, 12, 'asymptotic p');
    // 50 or more values in a sample take the approximation on their own, as in R.
    assert.equal(mannWhitneyU(Array.from({ length: 50 }, (_, i) => i), [100.5], 'greater').method, 'normal');
  });

  it('with ties (DolphinDB, and R for the same samples): U = 11, p two-sided 0.518022, less 0.259011, greater 0.797036', () => {
    const x = [2, 4, 7, -1, 0, 4];
    const y = [5, 1, 4, 3, 5];
    const expected = { 'two-sided': 0.518022094590376, less: 0.259011047295188, greater: 0.79703641143441 } as const;
    for (const alternative of ['two-sided', 'less', 'greater'] as const) {
      const r = mannWhitneyU(x, y, alternative);
      assert.deepEqual([r.u, r.method, r.ties], [11, 'normal', true], alternative);
      close(r.p, expected[alternative], 12, alternative);
    }
  });

  it('ranks ties by their average rank and reports the tied groups', () => {
    assert.deepEqual(rank([5, 1, 4, 3, 5, 2, 4, 7, -1, 0, 4]), { ranks: [9.5, 3, 7, 5, 9.5, 4, 7, 11, 1, 2, 7], tieGroups: [3, 2] });
  });

  it('refuses an empty sample and non-numbers rather than answering', () => {
    assert.throws(() => mannWhitneyU([], [1, 2], 'greater'), /at least one value in each sample/);
    assert.throws(() => mannWhitneyU([1, Number.NaN], [1, 2], 'greater'), /finite numbers only/);
  });

  it('identical samples are no evidence either way: p = 1 two-sided', () => {
    const same = [0.2, 0.2, 0.2, 0.2];
    const r = mannWhitneyU(same, same, 'two-sided');
    assert.equal(r.p, 1);
  });
});

describe('a canary judged against its baseline', () => {
  const rule = { direction: 'increase' as const, tolerance: 0.1, floor: 0, alpha: 0.05, minSamples: 5 };
  const ms = (v: number) => `${Math.round(v * 1000)} ms`;
  // Twelve 10-second samples of a p95 latency, with a little noise (deterministic).
  const around = (center: number, spread: number, n = 12) => Array.from({ length: n }, (_, i) => center + spread * Math.sin(i * 2.3));

  it('fails a canary 30% slower than its baseline, with the numbers in one line', () => {
    const c = compareSamples('latency-p95', around(0.312, 0.01), around(0.24, 0.01), rule, ms);
    assert.equal(c.verdict, 'fail');
    assert.match(c.reason, /^latency-p95: canary 31\d ms vs baseline 24\d ms \(\+3\d%, tolerance 10%\), p [=<] 0\.0\d*: fail$/);
    assert.ok(c.ratio !== undefined && c.ratio > 1.25 && c.ratio < 1.35, String(c.ratio));
    assert.equal(c.cliffsDelta, 1, 'every canary sample above every baseline sample');
    assert.equal(c.test?.alternative, 'greater');
  });

  it('passes a day when everything is slow, canary and baseline alike', () => {
    const c = compareSamples('latency-p95', around(0.9, 0.05), around(0.9, 0.05, 11), rule, ms);
    assert.equal(c.verdict, 'pass', c.reason);
    assert.match(c.reason, /canary 9\d\d ms vs baseline 9\d\d ms \(([+-]?[1-9]\d*|0)%, tolerance 10%\), p = [\d.]+: pass$/);
  });

  it('says an unchanged median is 0%, never "+0%" or "-0%"', () => {
    assert.match(compareSamples('latency-p95', [0.487, 0.4869999, 0.487], [0.487, 0.487, 0.487], rule, ms).reason, / \(0%, tolerance 10%\)/);
  });

  it('passes a canary 5% slower: within the tolerance', () => {
    assert.equal(compareSamples('latency-p95', around(0.252, 0.004), around(0.24, 0.004), rule, ms).verdict, 'pass');
  });

  it('calls a small, noisy sample marginal, not fail', () => {
    const c = compareSamples('latency-p95', [0.2, 0.5, 0.35], [0.22, 0.3, 0.25, 0.41], rule, ms);
    assert.equal(c.verdict, 'marginal', c.reason);
    assert.match(c.reason, /marginal \(3 canary and 4 baseline samples; 5 each decide\)$/);
  });

  it('no data is no-data, never a pass, and says which side had none', () => {
    const c = compareSamples('error-rate', [], [0.01, 0.02], rule, String);
    assert.deepEqual([c.verdict, c.reason], ['no-data', 'error-rate: no data for the canary in the window']);
  });

  it('a baseline at zero errors is judged with the floor, not the ratio', () => {
    const zero = Array.from({ length: 12 }, () => 0);
    const tiny = around(0.0004, 0.0001);
    assert.equal(compareSamples('error-rate', tiny, zero, rule, String).verdict, 'fail', 'no floor: any error against none fails');
    assert.equal(compareSamples('error-rate', tiny, zero, { ...rule, floor: 0.001 }, String).verdict, 'pass', 'under the floor');
  });

  it('a metric without a direction fails a change either way beyond the tolerance', () => {
    const either = { ...rule, direction: 'either' as const };
    assert.equal(compareSamples('rps', around(50, 1), around(100, 1), either, String).verdict, 'fail');
    assert.equal(compareSamples('rps', around(150, 1), around(100, 1), either, String).verdict, 'fail');
    assert.equal(compareSamples('rps', around(101, 1), around(100, 1), either, String).verdict, 'pass');
  });
});

describe('the canary score', () => {
  const metric = (name: string, verdict: CompareVerdict, over: Partial<ScoredMetric> = {}): ScoredMetric => ({ name, verdict, weight: 1, critical: false, noData: 'inconclusive', ...over });

  it('weights the metrics and puts the score in its band', () => {
    assert.deepEqual(scoreMetrics([metric('latency', 'pass', { weight: 3 }), metric('errors', 'pass')]), { score: 100, verdict: 'pass', reason: 'canary score 100 (pass >= 95): latency pass (weight 3), errors pass' });
    assert.equal(scoreMetrics([metric('latency', 'pass', { weight: 3 }), metric('errors', 'fail')]).verdict, 'marginal', '75: marginal');
    assert.equal(scoreMetrics([metric('latency', 'fail', { weight: 3 }), metric('errors', 'pass')]).verdict, 'fail', '25: fail');
    const unsure = scoreMetrics([metric('latency', 'marginal'), metric('errors', 'pass')]);
    assert.deepEqual([unsure.score, unsure.verdict], [100, 'marginal'], 'a marginal metric keeps its weight, and the round is marginal at best');
    assert.match(unsure.reason, /^canary score 100, marginal: latency undecided \(/);
    assert.equal(scoreMetrics([metric('latency', 'marginal'), metric('errors', 'fail')]).verdict, 'fail');
  });

  it('a critical metric that fails fails the step whatever the score', () => {
    const s = scoreMetrics([metric('latency', 'fail', { critical: true }), ...Array.from({ length: 30 }, (_, i) => metric(`m${i}`, 'pass'))]);
    assert.equal(s.verdict, 'fail');
    assert.match(s.reason, /^critical latency failed \(score 97: /);
  });

  it('no data follows the policy: inconclusive, or a failure; never a pass', () => {
    assert.equal(scoreMetrics([metric('latency', 'no-data'), metric('errors', 'pass')]).verdict, 'inconclusive');
    assert.equal(scoreMetrics([metric('latency', 'no-data', { noData: 'fail' }), metric('errors', 'pass')]).verdict, 'fail');
    assert.equal(scoreMetrics([metric('latency', 'no-data', { noData: 'fail', critical: true })]).verdict, 'fail');
  });
});
