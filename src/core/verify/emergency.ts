// Emergency mode: a canary deploy linked to a SEV0 or SEV1 incident takes the target's emergency
// steps and pause (fewer, shorter) when the target configures them. The gates are not touched:
// readiness always runs, and the metric and health gates still judge every remaining step.

import type { Target } from '../config/targets';
import type { Severity } from '../severity';

export interface EmergencyPlan {
  readonly target: Target;
  /** In words, for the output and the audit trail. */
  readonly note: string;
}

export function emergencyPlan(target: Target, incident: { readonly id: string; readonly severity: Severity } | undefined): EmergencyPlan | undefined {
  const emergency = target.verify.emergency;
  if (!incident || (incident.severity !== 'SEV0' && incident.severity !== 'SEV1') || !emergency || target.strategy !== 'canary') return undefined;
  const steps = emergency.steps ?? target.canary.steps;
  const pauseMs = emergency.pauseMs ?? target.canary.pauseMs;
  const gates = ['readiness', ...Object.keys(target.verify.health).map((g) => `health ${g}`), ...target.verify.metrics.map((m) => m.name)];
  return {
    target: { ...target, canary: { ...target.canary, steps, pauseMs } },
    note: `emergency mode for ${incident.id} (${incident.severity}): canary steps ${steps.join(', ')}% with ${Math.round(pauseMs / 1000)}s pauses instead of ${target.canary.steps.join(', ')}% with ${Math.round(target.canary.pauseMs / 1000)}s; gates still judged: ${gates.join(', ')}`,
  };
}
