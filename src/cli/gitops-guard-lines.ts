// How deploy and rollback say what the GitOps guard found and did: the owners' notes, the warning, the
// pause and how it will be restored; a target that needs a choice is refused with the two flags.

import type { OpenDeploy } from '../adapters/deploy-workspace';
import { afterGitopsOperation, gitopsGuard, type AfterOperation, type GitOpsChoice } from '../app/gitops-guard';
import { prepareAfter, preparedLines, type FinishedOperation } from '../app/gitops-prepare-run';
import type { DeployContext } from '../core/deploy/context';
import type { GitOpsPaused } from '../core/deploy/state';
import { EXIT, type ExitCode } from './exit-codes';
import { incidentLinkLines } from './incident-link-lines';
import type { Reporter } from './output';

export interface GitopsFlags {
  readonly pauseGitops?: boolean;
  readonly ignoreGitops?: boolean;
}

export function gitopsChoice(flags: GitopsFlags): GitOpsChoice | undefined {
  return flags.pauseGitops ? 'pause' : flags.ignoreGitops ? 'ignore' : undefined;
}

export function conflictingFlags(out: Reporter, flags: GitopsFlags): ExitCode | undefined {
  return flags.pauseGitops && flags.ignoreGitops ? out.failure('--pause-gitops and --ignore-gitops contradict each other.', 'Pass one of them.', EXIT.usage) : undefined;
}

/** Runs the guard and prints it; the objects it paused, or the exit code of a refusal. */
export async function guardOrExit(
  out: Reporter,
  root: string,
  ctx: DeployContext,
  input: { readonly verb: string; readonly flags: GitopsFlags; readonly incident?: string; readonly confirmed: boolean },
): Promise<readonly GitOpsPaused[] | ExitCode> {
  const choice = gitopsChoice(input.flags);
  const guard = await gitopsGuard(root, ctx, {
    verb: input.verb,
    confirmed: input.confirmed,
    ...(choice ? { choice } : {}),
    ...(input.incident ? { incident: input.incident } : {}),
  });
  if (guard.kind === 'refused') return out.refused(guard);
  for (const note of guard.notes) out.line(note);
  switch (guard.kind) {
    case 'needs-choice':
      return out.failure(guard.warning, guard.hint, EXIT.usage, { gitops: guard.owners });
    case 'warned':
      out.line(`warning: ${guard.warning} Going on as asked (--ignore-gitops or gitops.autoSync: warn).`);
      return [];
    case 'paused':
      out.line(`${guard.warning} Pausing auto-sync for this operation.`);
      for (const p of guard.paused) out.line(`Paused auto-sync of ${p.label} (was ${p.previous}).`);
      for (const line of incidentLinkLines(guard.link)) out.line(line);
      return guard.paused;
    default:
      return [];
  }
}

/** After the operation: restored at once, or the pending restore said aloud. */
export async function afterLines(out: Reporter, root: string, ctx: DeployContext, after: AfterOperation): Promise<void> {
  const done = await afterGitopsOperation(root, ctx, after);
  for (const line of done.lines) out.line(line);
  for (const line of incidentLinkLines(done.link)) out.line(line);
}

/**
 * A deploy or rollback that changed a target with gitops.manifests: the commit that makes git say what
 * now runs is prepared in the manifests clone (not pushed) and printed; a failure there is a warning,
 * never a failed deploy.
 */
export async function manifestsLines(out: Reporter, opened: OpenDeploy, operation: FinishedOperation, incident: string | undefined): Promise<void> {
  const done = await prepareAfter(opened, operation, { ...(incident ? { incident } : {}), progress: (m: string) => out.progress(m) });
  if (!done) return;
  if (!done.ok) {
    out.line(`warning: the manifests change was not prepared: ${done.reason}${done.hint ? ` ${done.hint}` : ''}`);
    return;
  }
  out.line('Manifests (so that git says what runs when auto-sync is back):');
  for (const line of preparedLines(done.value.prepared)) out.line(`  ${line}`);
  for (const line of incidentLinkLines(done.value.link)) out.line(line);
}
