// Exit codes of the CLI twin, stable for pipelines.
export const EXIT = {
  ok: 0,
  /** The operation failed; nothing was left half-done. */
  failed: 1,
  /** Bad input or usage: fix the command line and run again. */
  usage: 2,
  /** The operation stopped in a resumable state (a conflict, a failed gate): see the printed next step. */
  stopped: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
