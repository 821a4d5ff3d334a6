// A Rollout's phase, step and weight as `kubectl argo rollouts get` and `status` report them, at the
// pinned release (v1.10.1): utils/rollout/rolloututil.go GetRolloutPhase and CalculateRolloutPhase,
// utils/replicaset/canary.go GetCurrentCanaryStep and GetCurrentSetWeight, and
// pkg/kubectl-argo-rollouts/info/rollout_info.go for the actual weight.

import type { RolloutView } from './model';

export type RolloutPhase = 'Healthy' | 'Progressing' | 'Paused' | 'Degraded';

export interface PhaseInfo {
  /** A RolloutPhase, or what a newer controller writes. */
  readonly phase: string;
  readonly message: string;
}

/** GetRolloutPhase: the controller's status.phase once it has observed the spec, else computed. */
export function rolloutPhase(ro: RolloutView): PhaseInfo {
  const observed = Number(ro.status.observedGeneration);
  if (ro.status.observedGeneration !== undefined && Number.isFinite(observed) && observed < ro.generation) {
    return { phase: 'Progressing', message: 'waiting for rollout spec update to be observed' };
  }
  // IsUnpausing: the pause conditions are cleared (promote), the controller has not unpaused yet.
  if (ro.status.controllerPause && ro.status.pauseConditions.length === 0) return { phase: 'Progressing', message: 'waiting for rollout to unpause' };
  if (ro.workloadRef && ro.workloadGeneration !== undefined && ro.status.workloadObservedGeneration !== undefined && ro.workloadGeneration !== ro.status.workloadObservedGeneration) {
    return { phase: 'Progressing', message: 'waiting for rollout spec update to be observed for the reference workload' };
  }
  if (ro.status.phase) return { phase: ro.status.phase, message: ro.status.message ?? '' };
  return calculatePhase(ro);
}

function calculatePhase(ro: RolloutView): PhaseInfo {
  for (const c of ro.status.conditions) {
    if (c.type === 'InvalidSpec') return { phase: 'Degraded', message: `InvalidSpec: ${c.message ?? ''}` };
    if (c.reason === 'RolloutAborted' || c.reason === 'ProgressDeadlineExceeded') return { phase: 'Degraded', message: `${c.reason}: ${c.message ?? ''}` };
  }
  if (ro.paused) return { phase: 'Paused', message: 'manually paused' };
  const pause = ro.status.pauseConditions[0];
  if (pause) return { phase: 'Paused', message: pause.reason };
  if (ro.restartAt !== undefined && ro.restartAt !== ro.status.restartedAt) return { phase: 'Progressing', message: 'rollout is restarting' };
  if (ro.status.updatedReplicas < ro.replicas) return { phase: 'Progressing', message: 'more replicas need to be updated' };
  if (ro.status.availableReplicas < ro.status.updatedReplicas) return { phase: 'Progressing', message: 'updated replicas are still becoming available' };
  if (ro.status.stableRS === undefined || ro.status.stableRS !== ro.status.currentPodHash) return { phase: 'Progressing', message: 'waiting for all steps to complete' };
  return { phase: 'Healthy', message: '' };
}

/** GetCurrentCanaryStep: the index into steps (steps.length when all are done); undefined without steps. */
export function currentStepIndex(ro: RolloutView): number | undefined {
  if (ro.strategy !== 'canary' || ro.steps.length === 0) return undefined;
  return Math.min(ro.status.currentStepIndex ?? 0, ro.steps.length);
}

/** GetCurrentSetWeight: 0 when aborted, 100 when all steps are done, else the last setWeight at or before the step. */
export function setWeight(ro: RolloutView): number {
  if (ro.status.abort) return 0;
  const index = currentStepIndex(ro);
  if (index === undefined || index >= ro.steps.length) return 100;
  for (let i = index; i >= 0; i--) {
    const w = ro.steps[i]?.weight;
    if (w !== undefined) return w;
  }
  return 0;
}

/** The weight the canary actually has: the router's (trafficRouting) or its share of available pods. */
export function actualWeight(ro: RolloutView, canaryAvailable: number): number {
  const index = currentStepIndex(ro);
  if (index === undefined || index >= ro.steps.length) return ro.status.abort ? 0 : 100;
  if (ro.status.availableReplicas <= 0) return 0;
  if (ro.trafficRouting) return ro.status.weights?.canary ?? setWeight(ro);
  return Math.floor((canaryAvailable * 100) / ro.status.availableReplicas);
}

/** Whether the Rollout waits for a person: paused by hand, at a pause step without a duration, or a blue-green pre-promotion pause. */
export function awaitingPromotion(ro: RolloutView): boolean {
  if (ro.paused) return true;
  const index = currentStepIndex(ro);
  return ro.status.pauseConditions.some(
    (c) => c.reason === 'InconclusiveAnalysisRun' || c.reason === 'InconclusiveExperiment' || c.reason === 'BlueGreenPause' || (c.reason === 'CanaryPauseStep' && index !== undefined && ro.steps[index]?.kind === 'pause' && ro.steps[index]?.duration === undefined),
  );
}
