// A canary's samples judged against its baseline's over the same window, as Kayenta's judge does: a
// Mann-Whitney U test one-sided in the direction that is worse (two-sided when the metric has none),
// against the baseline moved by the tolerance ("up to 10% worse is acceptable"), with the effect
// size beside the p-value. The verdict says which of pass, marginal and fail, and why, in one line:
// "latency-p95: canary 312 ms vs baseline 240 ms (+30%, tolerance 10%), p = 0.002: fail".

import { mannWhitneyU, type Alternative } from './mann-whitney';

/** Which way the metric gets worse: latency and errors increase, throughput decreases; either: any change. */
export type Direction = 'increase' | 'decrease' | 'either';

export interface CompareRule {
  readonly direction: Direction;
  /** How much worse is accepted, as a fraction of the baseline (0.1: up to 10% worse). */
  readonly tolerance: number;
  /** A difference this small (in the metric's unit) is accepted whatever the ratio: a baseline at 0 errors. */
  readonly floor: number;
  /** The significance level of the test; default 0.05. */
  readonly alpha: number;
  /** Fewer samples on either side cannot decide: marginal. */
  readonly minSamples: number;
}

/** Five numbers of a sample (R's type-7 quantiles), for the box plot and the line. */
export interface SampleSummary {
  readonly n: number;
  readonly min: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly max: number;
}

export type CompareVerdict = 'pass' | 'marginal' | 'fail' | 'no-data';

export interface Comparison {
  readonly verdict: CompareVerdict;
  /** One line with the numbers and the verdict. */
  readonly reason: string;
  readonly canary?: SampleSummary;
  readonly baseline?: SampleSummary;
  /** The test against the baseline moved by the tolerance (what decides). */
  readonly test?: { readonly u: number; readonly p: number; readonly method: 'exact' | 'normal'; readonly alternative: Alternative; readonly ties: boolean };
  /** Canary median over baseline median; absent when the baseline median is 0. */
  readonly ratio?: number;
  /** Cliff's delta of canary against baseline, -1..1 (positive: canary larger). */
  readonly cliffsDelta?: number;
  readonly tolerance: number;
}

/** R's default (type 7) quantile of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (h - lo) * (b - a);
}

export function summarize(values: readonly number[]): SampleSummary {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, min: sorted[0] ?? Number.NaN, q1: quantile(sorted, 0.25), median: quantile(sorted, 0.5), q3: quantile(sorted, 0.75), max: sorted[sorted.length - 1] ?? Number.NaN };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const pFormat = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`);

/**
 * Judges `canary` against `baseline` (finite samples over the same window). `show` formats a value in
 * the metric's unit (320 ms, 1.2%).
 */
export function compareSamples(name: string, canary: readonly number[], baseline: readonly number[], rule: CompareRule, show: (v: number) => string): Comparison {
  const x = canary.filter(Number.isFinite);
  const y = baseline.filter(Number.isFinite);
  const tolerance = rule.tolerance;
  if (x.length === 0 || y.length === 0) {
    const missing = [x.length === 0 ? 'canary' : '', y.length === 0 ? 'baseline' : ''].filter(Boolean).join(' and ');
    return { verdict: 'no-data', tolerance, reason: `${name}: no data for the ${missing} in the window` };
  }
  const c = summarize(x);
  const b = summarize(y);
  const ratio = b.median !== 0 ? c.median / b.median : undefined;
  const plain = mannWhitneyU(x, y, 'two-sided');
  const cliffsDelta = (2 * plain.u) / (x.length * y.length) - 1;
  // The change as rounded: +30%, -4%, or 0% (never "+0%" or "-0%").
  const percent = ratio !== undefined ? Math.round((ratio - 1) * 100) + 0 : undefined;
  const change = percent !== undefined ? ` (${percent > 0 ? '+' : ''}${percent}%, tolerance ${pct(tolerance)})` : ` (tolerance ${pct(tolerance)})`;
  const head = `${name}: canary ${show(c.median)} vs baseline ${show(b.median)}${change}`;
  // What would be acceptable: the baseline moved by the tolerance (and at least the floor), the way that is worse.
  const up = (v: number) => Math.max(v + Math.abs(v) * tolerance, v + rule.floor);
  const down = (v: number) => Math.min(v - Math.abs(v) * tolerance, v - rule.floor);
  const tests: { alternative: Alternative; p: number; u: number; method: 'exact' | 'normal'; ties: boolean }[] = [];
  if (rule.direction !== 'decrease') tests.push({ alternative: 'greater', ...mannWhitneyU(x, y.map(up), 'greater') });
  if (rule.direction !== 'increase') tests.push({ alternative: 'less', ...mannWhitneyU(x, y.map(down), 'less') });
  // Two one-sided tests for a metric without a direction: each at half the level (Bonferroni).
  const level = rule.direction === 'either' ? rule.alpha / 2 : rule.alpha;
  const decisive = tests.reduce((a, t) => (t.p < a.p ? t : a));
  const test = { u: decisive.u, p: decisive.p, method: decisive.method, alternative: decisive.alternative, ties: decisive.ties };
  const base = { canary: c, baseline: b, test, cliffsDelta, tolerance, ...(ratio !== undefined ? { ratio } : {}) };
  const p = pFormat(test.p);
  if (test.p < level) return { ...base, verdict: 'fail', reason: `${head}, ${p}: fail` };
  if (c.n < rule.minSamples || b.n < rule.minSamples) {
    return { ...base, verdict: 'marginal', reason: `${head}, ${p}: marginal (${c.n} canary and ${b.n} baseline samples; ${rule.minSamples} each decide)` };
  }
  // Worse than the tolerance by the medians, but the samples do not show it beyond chance.
  const looksWorse = (rule.direction !== 'decrease' && c.median > up(b.median)) || (rule.direction !== 'increase' && c.median < down(b.median));
  if (looksWorse) return { ...base, verdict: 'marginal', reason: `${head}, ${p}: marginal (worse than the tolerance by the medians, not beyond chance)` };
  return { ...base, verdict: 'pass', reason: `${head}, ${p}: pass` };
}
