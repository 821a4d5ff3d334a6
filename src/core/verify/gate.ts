// The verification gate of a canary step: health endpoints (every group) and metric gates, the
// canary's series judged (the track label added to the selector) against stable's beside it.

import type { CanaryGate, GateMeasurement, GateVerdict } from '../deploy/canary-gate';
import type { GateNumbers } from '../incident/events';
import { CANARY_TRACK } from '../deploy/canary-plan';
import { Judge, type VerifyPorts } from './judge';
import type { VerifySettings } from './settings';
import type { Measurement } from './verdict';

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
      const scope = { judged: `${label}="${CANARY_TRACK}"`, baseline: `${label}="${STABLE_TRACK}"`, label: `canary at ${step.weight}%` };
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
