// How the CLI twin reports: human lines, or one JSON document with --json; failures carry the
// reason and what to do, and map to the documented exit codes.

import { isInputFailure, type Failed } from '../core/result';
import type { Io } from './program';
import { EXIT, type ExitCode } from './exit-codes';

/** What a refusal needs to be reported: its words and its kind (a Failed, or an outcome that is one). */
export type Refusal = Pick<Failed, 'reason' | 'hint' | 'failure'>;

export interface Reporter {
  readonly json: boolean;
  /** A progress line (human mode only, on stderr so stdout stays parseable). */
  progress(message: string): void;
  line(text: string): void;
  result(value: unknown, human: string[]): ExitCode;
  failure(reason: string, hint: string | undefined, code: ExitCode, extra?: Record<string, unknown>): ExitCode;
  /** A typed failure, its exit code chosen by its kind: 2 for bad input or an ambiguity, else 1. */
  refused(failure: Refusal, extra?: Record<string, unknown>): ExitCode;
}

/** The exit code of a typed failure: what the person gave is wrong (2), or the operation failed (1). */
export function exitFor(failure: Refusal): ExitCode {
  return isInputFailure(failure) ? EXIT.usage : EXIT.failed;
}

export function reporter(io: Io, json: boolean): Reporter {
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
    failure(reason, hint, code, extra = {}) {
      if (json) {
        io.out(`${JSON.stringify({ ok: false, reason, ...(hint ? { hint } : {}), ...extra }, null, 2)}\n`);
      } else {
        io.err(`hotfix-deployer: ${reason}\n${hint ? `  ${hint}\n` : ''}`);
      }
      return code;
    },
    refused(failure, extra = {}) {
      return this.failure(failure.reason, failure.hint, exitFor(failure), { ...(failure.failure ? { kind: failure.failure } : {}), ...extra });
    },
  };
}

export function short(sha: string | undefined): string {
  return sha ? sha.slice(0, 8) : '-';
}
