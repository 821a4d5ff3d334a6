// A deploy's story for the incident timeline, the same from the CLI and VS Code: started, each canary
// gate verdict with its numbers in the order judged, then succeeded, or failed and rolled back.

import type { DeployEvent } from '../core/deploy/context';
import type { DeployOutcome } from '../core/deploy/deploy';
import type { EventPayload } from '../core/incident/events';
import { timelineNumbers } from '../core/verify/numbers';

/** A canary gate verdict as a timeline event: `step 2 of 4 (25%)`, the gate's reason and numbers. */
export function verdictEvent(target: string, event: DeployEvent): EventPayload {
  return {
    type: 'gate-verdict',
    target,
    pass: event.verdict.pass,
    reason: `${event.gate}: ${event.verdict.reason}`.slice(0, 1000),
    step: `step ${event.step} of ${event.of} (${event.weight}%)`,
    measurements: event.verdict.measurements.map(timelineNumbers),
  };
}

/** The events of a finished deploy; none for a refused or stopped one. */
export function deployEvents(target: string, image: string, strategy: string, verdicts: readonly EventPayload[], outcome: DeployOutcome): EventPayload[] {
  const started: EventPayload = { type: 'deploy-started', target, image, strategy };
  if (outcome.kind === 'deployed') return [started, ...verdicts, { type: 'deploy-succeeded', target, image }];
  if (outcome.kind === 'rolled-back') return [started, ...verdicts, { type: 'deploy-failed', target, image, reason: outcome.reason }, { type: 'rollback', target, reason: outcome.message }];
  return [];
}

/**
 * An argo-rollout deploy's story: started; a failed analysis as a gate verdict in one line (which
 * metric, its value, its condition), then failed and rolled back by the Rollout's controller; or a
 * pause that waits for a promote; or succeeded.
 */
export function rolloutDeployEvents(target: string, image: string, outcome: DeployOutcome): EventPayload[] {
  if (outcome.kind === 'refused' || outcome.kind === 'stopped') return [];
  const started: EventPayload = { type: 'deploy-started', target, image, strategy: 'argo-rollout' };
  const rollout = outcome.rollout;
  if (outcome.kind === 'rolled-back') {
    const verdict: EventPayload[] = rollout?.failure ? [{ type: 'gate-verdict', target, pass: false, reason: rollout.failure, ...(rollout.stepIndex !== undefined ? { step: `step ${rollout.stepIndex} of ${rollout.steps.length}` } : {}) }] : [];
    return [started, ...verdict, { type: 'deploy-failed', target, image, reason: outcome.reason }, ...(rollout?.aborted ? [{ type: 'rollback' as const, target, reason: outcome.message }] : [])];
  }
  if (rollout && rollout.phase === 'Paused') return [started, { type: 'rollout-action', target, rollout: rollout.name, action: 'paused', text: outcome.message }];
  return [started, { type: 'deploy-succeeded', target, image }];
}
