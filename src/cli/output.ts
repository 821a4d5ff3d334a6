// How the CLI twin reports: human lines, or one JSON document with --json; failures carry the
// reason, what to do (the hint, and each remedy as the command line that does it), and map to the
// documented exit codes.

import type { Remedy } from '../core/remedy';
import { isInputFailure, type Failed } from '../core/result';
import type { Io } from './program';
import { EXIT, type ExitCode } from './exit-codes';
import { remedyCommand, remedyLine } from './remedy';

/** What a refusal needs to be reported: its words, its kind and its remedies (a Failed, or an outcome that is one). */
export type Refusal = Pick<Failed, 'reason' | 'hint' | 'failure' | 'remedies'>;

export interface Reporter {
  readonly json: boolean;
  /** A progress line (human mode only, on stderr so stdout stays parseable). */
  progress(message: string): void;
  line(text: string): void;
  result(value: unknown, human: string[]): ExitCode;
  failure(reason: string, hint: string | undefined, code: ExitCode, extra?: Record<string, unknown>): ExitCode;
  /**
   * A typed failure, its exit code chosen by its kind: 2 for bad input or an ambiguity, else 1. Its
   * remedies follow the hint, one `run: hotfix-deployer ...` line each; with --json they are
   * `remedies` (the data) and `commands` (the lines). `code` overrides the kind's exit code (3 for a
   * failure that left a resumable state).
   */
  refused(failure: Refusal, extra?: Record<string, unknown>, code?: ExitCode): ExitCode;
}

/** The exit code of a typed failure: what the person gave is wrong (2), or the operation failed (1). */
export function exitFor(failure: Refusal): ExitCode {
  return isInputFailure(failure) ? EXIT.usage : EXIT.failed;
}

export function reporter(io: Io, json: boolean): Reporter {
  const report = (reason: string, hint: string | undefined, remedies: readonly Remedy[], code: ExitCode, extra: Record<string, unknown>): ExitCode => {
    if (json) {
      const offered = remedies.length > 0 ? { remedies, commands: remedies.map(remedyCommand) } : {};
      io.out(`${JSON.stringify({ ok: false, reason, ...(hint ? { hint } : {}), ...offered, ...extra }, null, 2)}\n`);
    } else {
      io.err(`hotfix-deployer: ${reason}\n${hint ? `  ${hint}\n` : ''}${remedies.map((r) => `  ${remedyLine(r)}\n`).join('')}`);
    }
    return code;
  };
  return {
    json,
    progress: (message) => {
      if (!json) io.err(`  ${message}\n`);
    },
    line: (text) => {
      if (!json) io.out(`${text}\n`);
    },
    result(value, human) {
      io.out(json ? `${JSON.stringify({ ok: true, ...(value as object) }, null, 2)}\n` : `${human.join('\n')}\n`);
      return EXIT.ok;
    },
    failure: (reason, hint, code, extra = {}) => report(reason, hint, [], code, extra),
    refused: (failure, extra = {}, code = exitFor(failure)) => report(failure.reason, failure.hint, failure.remedies ?? [], code, { ...(failure.failure ? { kind: failure.failure } : {}), ...extra }),
  };
}

export function short(sha: string | undefined): string {
  return sha ? sha.slice(0, 8) : '-';
}
