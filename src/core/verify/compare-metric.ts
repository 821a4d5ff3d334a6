// A metric with compare: baseline, measured once: the canary's and the baseline's samples over the
// same window (since the canary step began, or the lookback), judged by compareSamples, and the
// round's canary score over every compared metric (stats/score.ts). A comparison counts only through
// the score; the score is the measurement the judge counts (a marginal score is inconclusive).

import type { MetricScope } from './metrics';
import type { MetricsSource } from './probes';
import { queryFor, type CompareGate, type MetricGate } from './settings';
import { compareSamples, type Comparison } from './stats/compare';
import { scoreMetrics, type ScoreBands } from './stats/score';
import { SCORE_GATE } from './numbers';
import { formatValue, type BaselineVerdict, type Measurement, type Outcome } from './verdict';

const OUTCOME: Readonly<Record<Comparison['verdict'], Outcome>> = { pass: 'pass', marginal: 'inconclusive', fail: 'fail', 'no-data': 'inconclusive' };

export async function measureComparison(source: MetricsSource, gate: MetricGate & { compare: CompareGate }, scope: MetricScope, at: () => Date, signal?: AbortSignal): Promise<Measurement> {
  const { compare } = gate;
  const end = at();
  const start = scope.since && end.getTime() - scope.since.getTime() > 0 ? scope.since : new Date(end.getTime() - compare.lookbackMs);
  const canaryQuery = queryFor(gate, scope.judged);
  const baselineQuery = scope.baseline !== undefined ? queryFor(gate, scope.baseline) : undefined;
  const common = { gate: gate.name, kind: 'comparison' as const, at: end.toISOString(), query: canaryQuery, window: gate.window };
  const verdictOf = (c: Comparison): BaselineVerdict => ({
    verdict: c.verdict,
    ...(c.canary ? { canary: c.canary } : {}),
    ...(c.baseline ? { baseline: c.baseline } : {}),
    ...(c.test ? { u: c.test.u, p: c.test.p, method: c.test.method, alternative: c.test.alternative } : {}),
    ...(c.ratio !== undefined ? { ratio: c.ratio } : {}),
    ...(c.cliffsDelta !== undefined ? { cliffsDelta: c.cliffsDelta } : {}),
    tolerance: c.tolerance,
    weight: compare.weight,
    critical: compare.critical,
    line: c.reason,
    ...(baselineQuery !== undefined ? { baselineQuery } : {}),
  });
  const none = (why: string): Measurement => {
    const against = verdictOf({ verdict: 'no-data', tolerance: compare.rule.tolerance, reason: `${gate.name}: ${why}` });
    return { ...common, outcome: 'inconclusive', reason: against.line, against };
  };
  if (baselineQuery === undefined) return none('no baseline to compare with (compare: baseline judges a canary against its stable track)');
  if (!source.samples) return none(`${source.where} cannot answer range queries`);
  const [canary, baseline] = await Promise.all([
    source.samples(canaryQuery, start, end, compare.stepS, signal),
    source.samples(baselineQuery, start, end, compare.stepS, signal),
  ]);
  if (!canary.ok || !baseline.ok) return none(`Prometheus at ${source.where} did not answer: ${!canary.ok ? canary.error : !baseline.ok ? baseline.error : ''}`);
  const values = (points: readonly (readonly [number, number])[]) => points.map(([, v]) => v);
  const judged = compareSamples(gate.name, values(canary.points), values(baseline.points), compare.rule, (v) => formatValue(gate.kind, v));
  const against = verdictOf(judged);
  const outcome = judged.verdict === 'no-data' && gate.noData === 'fail' ? 'fail' : OUTCOME[judged.verdict];
  return { ...common, outcome, reason: judged.reason, against, series: { canary: canary.points, baseline: baseline.points } };
}

/** The round's canary score, as one metric measurement the judge counts; undefined without comparisons. */
export function scoreMeasurement(comparisons: readonly Measurement[], gates: readonly MetricGate[], bands: ScoreBands, at: Date): Measurement | undefined {
  const scored = comparisons.flatMap((m) => {
    const gate = gates.find((g) => g.name === m.gate);
    return m.against && gate ? [{ name: m.gate, verdict: m.against.verdict, weight: m.against.weight, critical: m.against.critical, noData: gate.noData }] : [];
  });
  if (scored.length === 0) return undefined;
  const s = scoreMetrics(scored, bands);
  const outcome: Outcome = s.verdict === 'pass' ? 'pass' : s.verdict === 'fail' ? 'fail' : 'inconclusive';
  return { gate: SCORE_GATE, kind: 'metric', outcome, reason: s.reason, at: at.toISOString(), ...(s.score !== undefined ? { value: s.score, threshold: bands.pass, comparison: '>=' as const } : {}) };
}
