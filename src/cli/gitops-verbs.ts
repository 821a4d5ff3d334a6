// The gitops verbs' work: run the gitops use case (src/app/gitops.ts) and print each object's outcome.
// Loaded only when a gitops verb runs.

import type { GitopsPauseOutcome, GitopsRestoreOutcome } from '../app/gitops';
import { cliEnv, type CommonFlags } from './compose';
import { EXIT, type ExitCode } from './exit-codes';
import { incidentLinkLines } from './incident-link-lines';
import { parseDuration } from '../core/config/duration';
import { interruptibly } from './interrupt';
import { reporter, short, type Reporter } from './output';
import type { Io } from './program';
import { stoppedWith } from './refused';
import { remedyCommand } from './remedy';

export interface GitopsOptions extends CommonFlags {
  readonly target: string;
}

export async function statusVerb(io: Io, options: GitopsOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const { gitopsStatus } = await import('../app/gitops.js');
  const status = await gitopsStatus(cliEnv(io, out, options), { target: options.target });
  if (status.kind === 'refused') return stoppedWith(out, status);
  const { owners } = status;
  const lines =
    owners.length === 0
      ? [`Nothing labels ${status.target} as managed by Argo CD or Flux: an imperative change stays.`]
      : owners.flatMap((o) => [
          `${o.label}${o.exists ? '' : ' (not found)'}: auto-sync ${o.autoSync ? 'on' : 'off'}${o.selfHeal ? ' with selfHeal' : ''}${o.interval ? `, every ${o.interval}` : ''}`,
          `  found by ${o.via}`,
          `  reverts an imperative change ${o.revertsWhen}`,
          ...(o.appliedRevision ? [`  applied revision ${o.appliedRevision}`] : []),
          ...(o.paused ? [`  paused by ${o.paused.by} since ${o.paused.at}${o.paused.incident ? ` for ${o.paused.incident}` : ''}; previous policy ${o.paused.previous}`] : []),
        ]);
  return out.result({ target: status.target, mode: status.mode, owners }, lines);
}

export async function pauseVerb(io: Io, options: GitopsOptions & { incident?: string }): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const { gitopsPause } = await import('../app/gitops.js');
  const done: GitopsPauseOutcome = await gitopsPause(cliEnv(io, out, options), { target: options.target, ...(options.incident !== undefined ? { incident: options.incident } : {}) });
  if (done.kind === 'refused' || done.kind === 'cancelled') return stoppedWith(out, done);
  const { results, link } = done;
  const lines = [...results.map((r) => r.line), ...incidentLinkLines(link)];
  if (done.remedy) lines.push(`Restore with: ${remedyCommand(done.remedy)}${link.incident ? ` (or it is restored when ${link.incident} is resolved)` : ''}`);
  if (done.failedAny) return out.failure(lines.join('\n'), undefined, EXIT.failed, { results });
  return out.result({ results, ...(link.incident ? { incident: link.incident } : {}) }, lines);
}

export interface RestoreOptions extends GitopsOptions {
  readonly yes?: boolean;
  readonly force?: boolean;
  readonly wait?: boolean;
  readonly timeout?: string;
  readonly interval?: string;
}

/** --timeout and --interval as milliseconds; a usage failure when one is not a duration or goes without --wait. */
function waitFlags(out: Reporter, options: RestoreOptions): { timeoutMs?: number; intervalMs?: number } | ExitCode {
  const read: { timeoutMs?: number; intervalMs?: number } = {};
  for (const [flag, key] of [['timeout', 'timeoutMs'], ['interval', 'intervalMs']] as const) {
    const text = options[flag];
    if (text === undefined) continue;
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) return out.failure(`--${flag}=${text} is not a duration.`, 'Write it as 500ms, 30s, 5m or 1h.', EXIT.usage);
    if (!options.wait) return out.failure(`--${flag} goes with --wait.`, 'Add --wait, or leave it out.', EXIT.usage);
    read[key] = ms;
  }
  if (options.wait && options.force) return out.failure('--wait and --force ask for opposite things.', 'Wait for the manifests change to be merged (--wait), or restore now although git says another image (--force).', EXIT.usage);
  return read;
}

export async function restoreVerb(io: Io, options: RestoreOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const flags = waitFlags(out, options);
  if (typeof flags === 'number') return flags;
  const { gitopsRestore, DEFAULT_MERGE_WAIT } = await import('../app/gitops.js');
  const run = async (signal?: AbortSignal): Promise<ExitCode> => {
    const done: GitopsRestoreOutcome = await gitopsRestore(cliEnv(io, out, options, signal), {
      target: options.target,
      force: options.force === true,
      ...(options.wait ? { wait: { timeoutMs: flags.timeoutMs ?? DEFAULT_MERGE_WAIT.timeoutMs, intervalMs: flags.intervalMs ?? DEFAULT_MERGE_WAIT.intervalMs } } : {}),
      via: 'gitops restore',
    });
    return reportRestore(out, done);
  };
  // Waiting, the first Ctrl-C stops the wait (nothing is restored) and says where the request stands.
  if (!options.wait) return run();
  return interruptibly(() => out.progress('stopping the wait (Ctrl-C again exits at once)'), run);
}

function reportRestore(out: Reporter, done: GitopsRestoreOutcome): ExitCode {
  switch (done.kind) {
    case 'git-disagrees':
      return out.refused(done.failed, { disagreement: done.disagreement, ...(done.request ? { request: done.request } : {}) });
    case 'waiting':
      // Auto-sync stays paused and the request open: a resumable stop, as a finish waiting for its merge.
      return out.refused(done.failed, { waiting: done.end, pull: done.pull, disagreement: done.disagreement }, EXIT.stopped);
    case 'refused':
    case 'cancelled':
      return stoppedWith(out, done);
    case 'restored': {
      const { results, links, notes, waited } = done;
      const lines = [
        ...(waited ? [`Waited for ${waited.noun} #${waited.number}: merged${waited.mergeCommit ? ` as ${short(waited.mergeCommit)}` : ''} (${waited.url}).`] : []),
        ...notes.map((n) => `note: ${n}`),
        ...(results.length === 0 ? [`Nothing of ${done.target} is paused by hotfix-deployer.`] : [...results.map((r) => r.line), ...links.flatMap(incidentLinkLines)]),
      ];
      if (done.failedAny) return out.failure(lines.join('\n'), `Retry: ${remedyCommand({ operation: 'gitops.restore', options: { target: done.target } })}`, EXIT.failed, { results });
      return out.result({ results, ...(waited ? { waited } : {}) }, lines);
    }
  }
}
