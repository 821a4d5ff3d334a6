// What validation needs to run a command: an argument array (never a shell line), a folder, a
// timeout, and the tail of its output. The child_process adapter implements it; tests use a fake.

export interface CommandRunOptions {
  /** The folder to run in, relative to the repository root ('.' for the root). */
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Each line of output (stdout and stderr) as it comes. */
  readonly onOutput?: (line: string) => void;
}

export interface CommandRun {
  /** Null when the command did not exit by itself (killed, not started). */
  readonly exitCode: number | null;
  /** The signal that ended it, e.g. SIGTERM after a timeout. */
  readonly signal?: string;
  readonly timedOut: boolean;
  /** Stopped because the caller's signal aborted. */
  readonly aborted?: boolean;
  /** Why it could not run at all: `command not found: npm`, a missing folder. */
  readonly error?: string;
  /** The last ~4 KB of output. */
  readonly output: string;
  readonly ms: number;
}

export interface CommandRunner {
  run(argv: readonly string[], options: CommandRunOptions): Promise<CommandRun>;
}
