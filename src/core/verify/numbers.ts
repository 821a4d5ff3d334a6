// A measurement's numbers as the deploy state and the incident timeline keep them. Apart from the
// judge (gate.ts), so what only shows them (the panel, at activation) does not load the statistics.

import type { GateMeasurement } from '../deploy/canary-gate';
import type { GateNumbers } from '../incident/events';
import type { BaselineVerdict, Measurement } from './verdict';

/** The name of the round's score measurement: what the panel sets apart from the metrics. */
export const SCORE_GATE = 'canary score';

export function toGateMeasurement(m: Measurement): GateMeasurement {
  return {
    name: m.gate,
    outcome: m.outcome,
    at: m.at,
    ...(m.value !== undefined ? { value: m.value } : {}),
    ...(m.threshold !== undefined ? { threshold: m.threshold } : {}),
    ...(m.comparison !== undefined ? { comparison: m.comparison } : {}),
    ...(m.baseline !== undefined ? { baseline: m.baseline } : {}),
    ...(m.query !== undefined ? { query: m.query } : {}),
    ...(m.window !== undefined ? { window: m.window } : {}),
    ...(m.against !== undefined ? { against: m.against } : {}),
    ...(m.series !== undefined ? { series: m.series } : {}),
  };
}

/** A measurement as the incident timeline keeps it. */
export function timelineNumbers(m: GateMeasurement): GateNumbers {
  return {
    gate: m.name,
    ...(m.outcome !== undefined ? { verdict: m.outcome } : {}),
    ...(m.value !== undefined ? { value: m.value } : {}),
    ...(m.threshold !== undefined ? { threshold: m.threshold } : {}),
    ...(m.comparison !== undefined ? { comparison: m.comparison } : {}),
    ...(m.query !== undefined ? { query: m.query } : {}),
    ...(m.window !== undefined ? { window: m.window } : {}),
    ...(m.against !== undefined ? { against: againstNumbers(m.against) } : {}),
  };
}

/** A comparison with the baseline in the timeline: the numbers of the line, without the samples. */
function againstNumbers(a: BaselineVerdict): NonNullable<GateNumbers['against']> {
  return {
    verdict: a.verdict,
    line: a.line,
    tolerance: a.tolerance,
    ...(a.p !== undefined ? { p: a.p } : {}),
    ...(a.u !== undefined ? { u: a.u } : {}),
    ...(a.ratio !== undefined ? { ratio: a.ratio } : {}),
    ...(a.cliffsDelta !== undefined ? { cliffsDelta: a.cliffsDelta } : {}),
    ...(a.canary ? { canaryMedian: a.canary.median, canarySamples: a.canary.n } : {}),
    ...(a.baseline ? { baselineMedian: a.baseline.median, baselineSamples: a.baseline.n } : {}),
  };
}

