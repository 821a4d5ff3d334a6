// The canary's score from its compared metrics, as Kayenta scores a run: each metric's weight counts
// unless it failed, out of all the weights, as a percentage; the score falls in the pass, marginal or
// fail band. A marginal metric (too few samples, or worse by the medians but not beyond chance) is no
// evidence against the canary, so it keeps its weight, but the round is at best marginal. A metric marked critical that fails fails the step whatever the
// score. No data follows the gate's policy: a failure, or the whole round inconclusive; never a pass.

import type { CompareVerdict } from './compare';

export interface ScoreBands {
  /** At or above: pass. Default 95. */
  readonly pass: number;
  /** At or above (below pass): marginal. Default 75. */
  readonly marginal: number;
}

export const DEFAULT_BANDS: ScoreBands = { pass: 95, marginal: 75 };

export interface ScoredMetric {
  readonly name: string;
  readonly verdict: CompareVerdict;
  readonly weight: number;
  readonly critical: boolean;
  /** No data: fail it, or leave the round inconclusive. */
  readonly noData: 'fail' | 'inconclusive';
}

export interface Score {
  /** 0..100; absent when nothing could be scored (every metric without data, inconclusive). */
  readonly score?: number;
  readonly verdict: 'pass' | 'marginal' | 'fail' | 'inconclusive';
  readonly reason: string;
}

const CREDIT: Readonly<Record<CompareVerdict, number>> = { pass: 1, marginal: 1, fail: 0, 'no-data': 0 };

export function scoreMetrics(metrics: readonly ScoredMetric[], bands: ScoreBands = DEFAULT_BANDS): Score {
  const criticalFailed = metrics.filter((m) => m.critical && (m.verdict === 'fail' || (m.verdict === 'no-data' && m.noData === 'fail')));
  const waiting = metrics.filter((m) => m.verdict === 'no-data' && m.noData === 'inconclusive');
  const counted = metrics.filter((m) => !waiting.includes(m));
  const total = counted.reduce((s, m) => s + m.weight, 0);
  const score = total > 0 ? Math.round((100 * counted.reduce((s, m) => s + m.weight * CREDIT[m.verdict], 0)) / total) : undefined;
  const list = metrics.map((m) => `${m.name} ${m.verdict}${m.weight !== 1 ? ` (weight ${m.weight})` : ''}${m.critical ? ' (critical)' : ''}`).join(', ');
  const scored = score !== undefined ? `score ${score}` : 'no score';
  if (criticalFailed.length > 0) return { ...(score !== undefined ? { score } : {}), verdict: 'fail', reason: `critical ${criticalFailed.map((m) => m.name).join(', ')} failed (${scored}: ${list})` };
  if (waiting.length > 0) return { ...(score !== undefined ? { score } : {}), verdict: 'inconclusive', reason: `no data for ${waiting.map((m) => m.name).join(', ')}: inconclusive (${scored}: ${list})` };
  if (score === undefined) return { verdict: 'inconclusive', reason: `nothing to score: ${list}` };
  const banded = score >= bands.pass ? 'pass' : score >= bands.marginal ? 'marginal' : 'fail';
  const band = banded === 'pass' ? `>= ${bands.pass}` : banded === 'marginal' ? `${bands.marginal}-${bands.pass - 1}` : `< ${bands.marginal}`;
  const unsure = metrics.filter((m) => m.verdict === 'marginal');
  if (banded === 'pass' && unsure.length > 0) return { score, verdict: 'marginal', reason: `canary score ${score}, marginal: ${unsure.map((m) => m.name).join(', ')} undecided (${list})` };
  return { score, verdict: banded, reason: `canary score ${score} (${banded} ${band}): ${list}` };
}
