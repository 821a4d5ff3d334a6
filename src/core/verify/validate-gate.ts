// The deploy gate of a target with `validate: <suite>`: a saved passing report of that suite for the
// same commit, under 24 hours old, lets the deploy through; a failure blocks it unless a person
// overrides it for a SEV0/SEV1 incident, which is audited and put in the incident's timeline.

import { record, type DeployContext } from '../deploy/context';
import { failed, succeeded, type Result } from '../result';
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

/** The refusal of a deploy whose validation failed, naming the failed checks. */
export function blocked(report: ValidationReport): { reason: string; hint: string } {
  const names = failedChecks(report).map((c) => `${c.name} (${c.reason})`);
  return {
    reason: `The deploy is blocked: validation${report.suite ? ` suite ${report.suite}` : ''} failed: ${names.join('; ')}. Nothing was written to the cluster.`,
    hint: `Fix ${names.length === 1 ? 'it' : 'them'} and deploy again (hotfix-deployer validate --environment=${report.target ?? 'NAME'} runs it alone). In a SEV0/SEV1 incident: deploy --override-validation="why".`,
  };
}

export interface LinkedSeverity {
  readonly id: string;
  readonly severity: Severity;
}

/** An override needs a reason and a linked incident of SEV0 or SEV1. */
export function overrideAllowed(incident: LinkedSeverity | undefined, reason: string, why?: string): Result<LinkedSeverity> {
  if (reason.trim() === '') return failed('--override-validation needs a reason: --override-validation="why this cannot wait".');
  if (!incident) {
    return failed(
      `The validation override is refused: it needs a linked SEV0 or SEV1 incident${why ? ` (${why})` : ', and none is open'}.`,
      'Declare one (hotfix-deployer incident create --severity=sev1 ...) or name it with --incident, or fix the failed checks.',
    );
  }
  if (!OVERRIDABLE.includes(incident.severity)) {
    return failed(`The validation override is refused: ${incident.id} is ${incident.severity}; only a SEV0 or SEV1 incident allows deploying past a failed validation.`, 'Fix the failed checks and deploy again.');
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
