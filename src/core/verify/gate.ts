// The verification gate of a canary step: health endpoints (every group) and metric gates, the
// canary's series judged (the track label added to the selector) against stable's beside it.

import type { CanaryGate, GateVerdict } from '../deploy/canary-gate';
import { BASELINE_TRACK, CANARY_TRACK } from '../deploy/canary-plan';
import { Judge, type VerifyPorts } from './judge';
import { toGateMeasurement } from './numbers';
import type { VerifySettings } from './settings';

export { timelineNumbers, toGateMeasurement } from './numbers';

export const STABLE_TRACK = 'stable';

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
      // With a baseline Deployment (canary.baseline: deployment) the canary is compared with its pods.
      const against = step.baseline ? BASELINE_TRACK : STABLE_TRACK;
      const scope = { judged: `${label}="${CANARY_TRACK}"`, ...(step.weight < 100 ? { baseline: `${label}="${against}"` } : {}), label: `canary at ${step.weight}%`, since: step.since };
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
