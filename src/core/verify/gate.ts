// The verification gate of a canary step: health endpoints (every group) and metric gates, the
// canary's series judged (the track label added to the selector) against stable's beside it.

import type { CanaryGate, GateMeasurement, GateVerdict } from '../deploy/canary-gate';
import type { GateNumbers } from '../incident/events';
import { CANARY_TRACK } from '../deploy/canary-plan';
import { Judge, type VerifyPorts } from './judge';
import type { VerifySettings } from './settings';
import type { BaselineVerdict, Measurement } from './verdict';

export const STABLE_TRACK = 'stable';

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

/** Undefined when the target configures no health endpoint and no metric gate: readiness alone judges. */
export function verificationGate(ports: VerifyPorts, settings: VerifySettings): CanaryGate | undefined {
  const endpoints = Object.values(settings.health).flat();
  const judge = new Judge(ports, settings, endpoints);
  if (judge.empty) return undefined;
  const label = settings.trackLabel;
  return {
    name: 'verification',
    async judge(step, signal): Promise<GateVerdict> {
      // At 100% stable serves nothing: there is no baseline to compare with, only bounds to hold.
      const scope = { judged: `${label}="${CANARY_TRACK}"`, ...(step.weight < 100 ? { baseline: `${label}="${STABLE_TRACK}"` } : {}), label: `canary at ${step.weight}%`, since: step.since };
      const [health, metrics] = await Promise.all([judge.probeUntilSettled(signal), judge.metricRound(scope, signal)]);
      const round = judge.decide([...health, ...metrics]);
      return {
        pass: round.outcome === 'pass',
        ...(round.outcome === 'inconclusive' ? { inconclusive: true } : {}),
        reason: round.reason,
        measurements: round.measurements.map(toGateMeasurement),
      };
    },
  };
}
