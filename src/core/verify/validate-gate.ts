// The deploy gate of a target with `validate: <suite>`: a saved passing report of that suite for the
// same commit, under 24 hours old, lets the deploy through; a failure blocks it unless a person
// overrides it for a SEV0/SEV1 incident, which is audited and put in the incident's timeline.

import { record, type DeployContext } from '../deploy/context';
import { FILL_IN, remedy } from '../remedy';
import { failed, succeeded, type Failed, type Result, type Succeeded } from '../result';
import type { Severity } from '../severity';
import { failedChecks, type SavedValidation, type ValidationReport } from './validate';

export const REPORT_VALID_MS = 24 * 3_600_000;
const OVERRIDABLE: readonly Severity[] = ['SEV0', 'SEV1'];

/** Whether a saved report covers this deploy; otherwise why not, in words for the progress line. */
export function savedCovers(saved: SavedValidation | undefined, wanted: { sha?: string; suite: string; now: Date }): Result<SavedValidation> {
  if (!saved || saved.pass !== true) return failed('no passing validation report is saved');
  if (saved.suite !== wanted.suite) return failed(`the saved report is of suite ${saved.suite ?? '(none)'}, not ${wanted.suite}`);
  if (wanted.sha === undefined || saved.sha !== wanted.sha) return failed(`the saved report is for commit ${saved.sha?.slice(0, 8) ?? '(none)'}, HEAD is ${wanted.sha?.slice(0, 8) ?? '(none)'}`);
  const age = wanted.now.getTime() - Date.parse(saved.at);
  if (!(age >= 0 && age < REPORT_VALID_MS)) return failed(`the saved report is from ${saved.at}, more than 24 hours ago`);
  return succeeded(saved);
}

/**
 * The refusal of a deploy whose validation failed, naming the failed checks; its remedies run the
 * suite alone and (in a SEV0/SEV1 incident) deploy past it with a reason.
 */
export function blocked(report: ValidationReport): Failed {
  const names = failedChecks(report).map((c) => `${c.name} (${c.reason})`);
  const target = report.target;
  return failed(
    `The deploy is blocked: validation${report.suite ? ` suite ${report.suite}` : ''} failed: ${names.join('; ')}. Nothing was written to the cluster.`,
    `Fix ${names.length === 1 ? 'it' : 'them'} and deploy again; a validation runs the suite alone. In a SEV0/SEV1 incident the deploy may go past it with a reason, audited.`,
    target !== undefined
      ? [remedy('validate', { target, ...(report.suite ? { suite: report.suite } : {}) }), remedy('deploy', { target, overrideValidation: FILL_IN }, { why: 'in a SEV0/SEV1 incident' })]
      : [],
  );
}

export interface LinkedSeverity {
  readonly id: string;
  readonly severity: Severity;
  readonly title?: string;
}

/** Why an override was refused, so front ends choose their words and buttons without reading ours. */
export type OverrideRefusal = 'no-reason' | 'no-incident' | 'severity';

export type OverrideRefused = Failed & { readonly refusal: OverrideRefusal };

/** An override needs a reason and a linked incident of SEV0 or SEV1. */
export function overrideAllowed(incident: LinkedSeverity | undefined, reason: string, why?: string): Succeeded<LinkedSeverity> | OverrideRefused {
  if (reason.trim() === '') return { ...failed('The validation override needs a reason: why this cannot wait.'), failure: 'input', refusal: 'no-reason' };
  if (!incident) {
    return {
      ...failed(
        `The validation override is refused: it needs a linked SEV0 or SEV1 incident${why ? ` (${why})` : ', and none is open'}.`,
        'Declare one, or name the incident the deploy belongs to, or fix the failed checks.',
        [remedy('incident.create', { severity: 'sev1', title: FILL_IN, impact: 'high' })],
      ),
      refusal: 'no-incident',
    };
  }
  if (!OVERRIDABLE.includes(incident.severity)) {
    return {
      ...failed(`The validation override is refused: ${incident.id} is ${incident.severity}; only a SEV0 or SEV1 incident allows deploying past a failed validation.`, 'Fix the failed checks and deploy again.'),
      refusal: 'severity',
    };
  }
  return succeeded(incident);
}

export async function recordOverride(ctx: DeployContext, report: ValidationReport, incident: LinkedSeverity, reason: string): Promise<void> {
  await record(ctx, 'validate.override', {
    reason: reason.slice(0, 500),
    suite: report.suite ?? '',
    sha: report.sha ?? '',
    failed: failedChecks(report).map((c) => c.name).join(', '),
    incident: incident.id,
    severity: incident.severity,
  });
}
