// Runs a validation step: spawn without a shell, in its own process group so a timeout or a cancel
// stops the whole tree (SIGTERM, then SIGKILL 3 s later), output streamed line by line, its tail kept.

import { spawn } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { CommandRun, CommandRunner, CommandRunOptions } from '../../core/verify/command-port';

const TAIL_BYTES = 4096;
const KILL_AFTER_MS = 3000;
/** After the command exits, how long a grandchild still holding its output open is waited for. */
const DRAIN_MS = 2000;

export class ChildProcessRunner implements CommandRunner {
  /** `root`: the repository root, which a step's `cwd` is relative to. */
  constructor(private readonly root: string) {}

  async run(argv: readonly string[], options: CommandRunOptions): Promise<CommandRun> {
    const started = Date.now();
    const [file, ...args] = argv;
    const cwd = path.resolve(this.root, options.cwd);
    const early = (error: string): CommandRun => ({ exitCode: null, timedOut: false, error, output: '', ms: Date.now() - started });
    if (file === undefined || file === '') return early('the step has no command');
    if (!(await stat(cwd).then((s) => s.isDirectory(), () => false))) return early(`folder not found: ${options.cwd} (${cwd})`);
    // Through symlinks too: a step runs inside the repository it was configured in, never elsewhere.
    const [realRoot, realCwd] = await Promise.all([realpath(this.root), realpath(cwd)]);
    if (realCwd !== realRoot && !realCwd.startsWith(`${realRoot}${path.sep}`)) return early(`the folder ${options.cwd} is outside the repository (${realCwd}): give cwd as a folder inside it`);
    if (options.signal?.aborted) return { ...early('cancelled before it started'), aborted: true };

    return new Promise<CommandRun>((resolve) => {
      const child = spawn(file, args, { cwd, shell: false, detached: process.platform !== 'win32', stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
      let tail = '';
      let timedOut = false;
      let aborted = false;
      let killTimer: NodeJS.Timeout | undefined;
      let drainTimer: NodeJS.Timeout | undefined;
      let spawnError: string | undefined;
      const partial = { stdout: '', stderr: '' };

      const keep = (text: string) => {
        tail = (tail + text).slice(-TAIL_BYTES);
      };
      const lines = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        keep(text);
        const parts = (partial[stream] + text).split(/\r?\n/);
        partial[stream] = parts.pop() ?? '';
        for (const line of parts) options.onOutput?.(line);
      };
      child.stdout.on('data', lines('stdout'));
      child.stderr.on('data', lines('stderr'));

      const signalGroup = (signal: NodeJS.Signals) => {
        if (child.pid === undefined) return;
        try {
          if (process.platform === 'win32') child.kill(signal);
          else process.kill(-child.pid, signal); // the whole group: the command and everything it started
        } catch {
          // already gone
        }
      };
      const stop = () => {
        signalGroup('SIGTERM');
        killTimer ??= setTimeout(() => signalGroup('SIGKILL'), KILL_AFTER_MS);
      };
      const timer = setTimeout(() => {
        timedOut = true;
        stop();
      }, options.timeoutMs);
      const onAbort = () => {
        aborted = true;
        stop();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });

      child.once('error', (error: NodeJS.ErrnoException) => {
        spawnError = error.code === 'ENOENT' ? `command not found: ${file}` : error.code === 'EACCES' ? `not executable: ${file}` : error.message;
      });
      child.once('exit', () => {
        // Members of the group that outlive the command (a server a test started) are stopped too.
        if (timedOut || aborted) signalGroup('SIGKILL');
        drainTimer = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
        }, DRAIN_MS);
      });
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        clearTimeout(timer);
        clearTimeout(killTimer);
        clearTimeout(drainTimer);
        options.signal?.removeEventListener('abort', onAbort);
        for (const rest of [partial.stdout, partial.stderr]) if (rest !== '') options.onOutput?.(rest);
        resolve({
          exitCode: spawnError !== undefined ? null : code,
          ...(signal ? { signal } : {}),
          timedOut,
          ...(aborted ? { aborted: true } : {}),
          ...(spawnError !== undefined ? { error: spawnError } : {}),
          output: tail,
          ms: Date.now() - started,
        });
      });
    });
  }
}
