// The gate a canary step must pass before traffic moves on. Readiness is always judged (the canary
// and stable have the replicas this step asked for, available); a target can add a gate of its own
// through DeployContext.canaryGate, which is where metric gates (error rate, latency) plug in.

import type { BaselineVerdict, Measurement } from '../verify/verdict';
import type { DeploymentView } from './ports';

export interface CanaryStepInfo {
  /** 0-based. */
  readonly index: number;
  readonly of: number;
  /** The canary's share of traffic at this step, in percent. */
  readonly weight: number;
  readonly stable: DeploymentView;
  readonly canary: DeploymentView;
  /** canary.baseline: deployment, short of 100%: the baseline the metrics compare the canary with. */
  readonly baseline?: DeploymentView;
  /** When traffic reached this weight: the window a metric gate looks at. */
  readonly since: Date;
}

export interface GateMeasurement {
  readonly name: string;
  /** Absent when there was nothing to measure (no data, Prometheus unreachable). */
  readonly value?: number;
  /** The value it had to reach (at least, for readiness). */
  readonly threshold?: number;
  /** How value is held against threshold to pass: `<=` for a maximum, `>=` for a minimum. */
  readonly comparison?: '<=' | '>=';
  readonly outcome?: 'pass' | 'fail' | 'inconclusive';
  /** Stable's value beside the canary's. */
  readonly baseline?: number;
  readonly query?: string;
  readonly window?: string;
  readonly at?: string;
  /** Judged against the baseline's samples: the test and the effect (src/core/verify/verdict.ts). */
  readonly against?: BaselineVerdict;
  readonly series?: Measurement['series'];
}

export interface GateVerdict {
  readonly pass: boolean;
  /** Failed for want of data rather than on bad numbers (as Argo Rollouts' Inconclusive). */
  readonly inconclusive?: boolean;
  /** In words, with the numbers: why it passed or failed. */
  readonly reason: string;
  readonly measurements: readonly GateMeasurement[];
}

export interface CanaryGate {
  readonly name: string;
  judge(step: CanaryStepInfo, signal?: AbortSignal): Promise<GateVerdict>;
}

/** Each track has every replica this step asked for available, on the spec the controller has seen. */
export const readinessGate: CanaryGate = {
  name: 'readiness',
  judge(step) {
    const measure = (d: DeploymentView) => ({ name: `${d.name} available`, value: d.status.observedGeneration < d.generation ? 0 : d.status.availableReplicas, threshold: d.replicas });
    const measurements = [measure(step.canary), measure(step.stable), ...(step.baseline ? [measure(step.baseline)] : [])];
    const short = measurements.filter((m) => m.value < m.threshold);
    const outcomes = measurements.map((m) => ({ ...m, comparison: '>=' as const, outcome: m.value < m.threshold ? ('fail' as const) : ('pass' as const) }));
    const words = measurements.map((m) => `${m.name.replace(/ available$/, '')} ${m.value} of ${m.threshold} available`).join(', ');
    return Promise.resolve({ pass: short.length === 0, reason: short.length === 0 ? words : `not ready: ${words}`, measurements: outcomes });
  },
};
