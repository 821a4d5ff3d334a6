// How a CLI verb ends when its operation did nothing: refused (the reason, the hint, each remedy as
// the command line that does it; the exit code by the failure's kind) or cancelled at a prompt.

import type { Failed } from '../core/result';
import { EXIT, type ExitCode } from './exit-codes';
import type { Reporter } from './output';

interface Stop {
  readonly kind: 'refused' | 'cancelled';
  readonly failed?: Failed;
  readonly data?: Readonly<Record<string, unknown>>;
}

export function stoppedWith(out: Reporter, result: Stop): ExitCode {
  if (result.kind === 'cancelled' || result.failed === undefined) return out.failure('Cancelled: nothing was done.', undefined, EXIT.usage);
  return out.refused(result.failed, result.data ? { ...result.data } : {});
}
