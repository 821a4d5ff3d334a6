// How validation and verification read in VS Code: step output and each check's line in the Hotfix
// log, the running step in the progress notification, and the texts of the closing messages.

import type * as vscode from 'vscode';
import type { ValidationOutput } from '../../app/validate-run';
import type { VerifyRunOutcome } from '../../app/verify-run';
import { failedChecks, summary, type ValidationReport } from '../../core/verify/validate';

/** The shared validation run's words: everything to the log, step starts also to the notification. */
export function validationOutput(log: vscode.LogOutputChannel, report: (message: string) => void): ValidationOutput {
  return {
    progress: (message) => report(message),
    output: (_step, line) => log.info(`  │ ${line}`),
    line: (text) => log.info(text),
  };
}

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

/** The closing message of a watch that ran: verified, or failed with the verdict's numbers and the rollback. */
export function verifyMessage(target: string, outcome: Exclude<VerifyRunOutcome, { kind: 'refused' }>): { readonly text: string; readonly hint?: string } {
  const { report } = outcome;
  if (outcome.kind === 'verified') return { text: `${target} verified: ${report.reason}` };
  if (outcome.kind === 'stopped') return { text: `Verification of ${target} stopped after ${report.rounds} round(s).` };
  const rolled = outcome.rolledBack;
  const text = `Verification of ${target} failed: ${report.reason}`;
  if (!rolled) return { text, hint: `Not rolled back (watch only): use Hotfix: Rollback… if it should be.` };
  if (rolled.ok) return { text, hint: `Rolled back automatically in ${rolled.ms} ms: ${rolled.message}.` };
  return { text: `${text}; the automatic rollback was refused: ${rolled.reason}`, ...(rolled.hint ? { hint: rolled.hint } : {}) };
}
