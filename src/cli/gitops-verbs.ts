// The gitops verbs' work: run the gitops use case (src/app/gitops.ts) and print each object's outcome.
// Loaded only when a gitops verb runs.

import type { GitopsPauseOutcome, GitopsRestoreOutcome } from '../app/gitops';
import { cliEnv, type CommonFlags } from './compose';
import { EXIT, type ExitCode } from './exit-codes';
import { incidentLinkLines } from './incident-link-lines';
import { reporter } from './output';
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

export async function restoreVerb(io: Io, options: GitopsOptions & { force?: boolean }): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const { gitopsRestore } = await import('../app/gitops.js');
  const done: GitopsRestoreOutcome = await gitopsRestore(cliEnv(io, out, options), { target: options.target, force: options.force === true, via: 'gitops restore' });
  if (done.kind === 'git-disagrees') return out.refused(done.failed, { disagreement: done.disagreement });
  if (done.kind === 'refused' || done.kind === 'cancelled') return stoppedWith(out, done);
  const { results, links, notes } = done;
  const lines = [...notes.map((n) => `note: ${n}`), ...(results.length === 0 ? [`Nothing of ${done.target} is paused by hotfix-deployer.`] : [...results.map((r) => r.line), ...links.flatMap(incidentLinkLines)])];
  if (done.failedAny) return out.failure(lines.join('\n'), `Retry: ${remedyCommand({ operation: 'gitops.restore', options: { target: done.target } })}`, EXIT.failed, { results });
  return out.result({ results }, lines);
}
