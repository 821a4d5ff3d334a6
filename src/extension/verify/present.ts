// How validation and verification read in VS Code: each check's line and where the result was
// recorded in the Hotfix log, and the texts of the closing messages.

import type * as vscode from 'vscode';
import type { IncidentLink } from '../../app/incident-link';
import type { VerifyOutcome } from '../../app/verify';
import { failedChecks, summary, type ValidationReport } from '../../core/verify/validate';

/** `suite critical-path for staging at 1a2b3c4d`. */
export function validationSubject(report: ValidationReport): string {
  return `${report.suite ? `suite ${report.suite}` : 'built-in checks'}${report.target ? ` for ${report.target}` : ''}${report.sha ? ` at ${report.sha.slice(0, 8)}` : ''}`;
}

/** The closing message: passed with the count and time, or failed naming each failed check and why. */
export function validationMessage(report: ValidationReport): string {
  if (report.pass) return `Validation passed: ${validationSubject(report)}: ${summary(report)} in ${report.ms} ms${report.target ? '; saved for deploy' : ''}.`;
  const failures = failedChecks(report).map((c) => `${c.kind === 'suite' ? 'step ' : ''}${c.name} (${c.reason})`);
  return `Validation failed: ${validationSubject(report)}: ${failures.join('; ')}.`;
}

/** Where the result went: the incident's timeline, or why it was not updated. */
export function logLink(log: vscode.LogOutputChannel, link: IncidentLink): void {
  if (link.note) log.warn(`the incident timeline was not updated: ${link.note}`);
  else if (link.incident) log.info(`recorded in ${link.incident}'s timeline`);
}

type Watched = Extract<VerifyOutcome, { readonly report: unknown }>;

/** The closing message of a watch that ran: verified, or failed with the verdict's numbers and the rollback. */
export function verifyMessage(target: string, outcome: Watched): { readonly text: string; readonly hint?: string } {
  const { report } = outcome;
  if (outcome.kind === 'verified') return { text: `${target} verified: ${report.reason}` };
  if (outcome.kind === 'stopped') return { text: `Verification of ${target} stopped after ${report.rounds} round(s).` };
  const rolled = outcome.rolledBack;
  const text = `Verification of ${target} failed: ${report.reason}`;
  if (!rolled) return { text, hint: `Not rolled back (watch only): use Hotfix: Rollback… if it should be.` };
  if (rolled.ok) return { text, hint: `Rolled back automatically in ${rolled.ms} ms: ${rolled.message}.` };
  return { text: `${text}; the automatic rollback was refused: ${rolled.reason}`, ...(rolled.hint ? { hint: rolled.hint } : {}) };
}
