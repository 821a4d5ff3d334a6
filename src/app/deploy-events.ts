// A deploy's story for the incident timeline, the same from the CLI and VS Code: started, each canary
// gate verdict with its numbers in the order judged, then succeeded, or failed and rolled back.

import type { DeployEvent } from '../core/deploy/context';
import type { DeployOutcome } from '../core/deploy/deploy';
import type { EventPayload } from '../core/incident/events';
import { timelineNumbers } from '../core/verify/gate';

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
