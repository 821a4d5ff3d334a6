// The GitOps guard in the palette's Deploy… and Rollback…: when Argo CD or Flux would put the
// manifests back over the change, say so in a modal and let the person pause auto-sync (tracked and
// restored later) or go on anyway; after the operation, restore at once when it rolled back or wrote
// nothing, else say that the pause stays and how it ends. The decisions are the adapter's (shared
// with the CLI); this file only asks and shows.

import * as vscode from 'vscode';
import type { OpenDeploy } from '../../adapters/deploy-workspace';
import type { AfterOperation, GitOpsChoice } from '../../app/gitops-guard';
import type { FinishedOperation } from '../../app/gitops-prepare-run';
import type { GitOpsPaused } from '../../core/deploy/state';
import { showPrepared } from '../gitops/commands';
import { showFailure } from '../ui';
import type { DeployCommandDeps, Outcome } from './flow';
import { cancelled } from './flow';

export interface GitopsAsk {
  /** `deploying web:1.2` (for the warning) and the button's verb (`Deploy`, `Roll Back`). */
  readonly verb: string;
  readonly button: string;
  /** Decided already (tests, automation): no modal. */
  readonly choice?: GitOpsChoice;
  readonly incident?: string;
}

/** Before the write: the objects paused for it (empty when nothing will revert it), or why not to go on. */
export async function gitopsBefore(deps: DeployCommandDeps, target: OpenDeploy, ask: GitopsAsk): Promise<Outcome<readonly GitOpsPaused[]>> {
  const { gitopsGuard } = await import('../../app/gitops-guard.js');
  const root = target.workspace.location.root;
  const input = { verb: ask.verb, confirmed: true, ...(ask.incident ? { incident: ask.incident } : {}) };
  let guard = await gitopsGuard(root, target.context, { ...input, ...(ask.choice ? { choice: ask.choice } : {}) });
  if (guard.kind === 'needs-choice') {
    const pause = `Pause Auto-Sync and ${ask.button}`;
    const anyway = `${ask.button} Anyway`;
    const restore = ask.incident ? `when ${ask.incident} is resolved, or with Restore GitOps Auto-Sync` : 'with Restore GitOps Auto-Sync';
    const picked = await vscode.window.showWarningMessage(
      guard.warning,
      {
        modal: true,
        detail: `${pause}: auto-sync is paused first (the previous policy is kept on the object) and restored at once if this rolls back; otherwise it stays paused until restored ${restore}.\n${anyway}: the controller will put back what git says.`,
      },
      pause,
      anyway,
    );
    if (picked === undefined) return cancelled;
    guard = await gitopsGuard(root, target.context, { ...input, choice: picked === pause ? 'pause' : 'ignore' });
  }
  for (const note of 'notes' in guard ? guard.notes : []) deps.log.info(note);
  switch (guard.kind) {
    case 'refused':
      void showFailure(deps.log, guard.reason, guard.hint);
      return { ok: false, reason: guard.reason };
    case 'needs-choice':
      return cancelled;
    case 'warned':
      deps.log.warn(guard.warning);
      void vscode.window.showWarningMessage(guard.warning);
      return { ok: true, value: [] };
    case 'paused':
      for (const p of guard.paused) deps.log.info(`paused auto-sync of ${p.label} (was ${p.previous})`);
      if (guard.link.note) deps.log.info(`the incident timeline was not updated: ${guard.link.note}`);
      return { ok: true, value: guard.paused };
    default:
      return { ok: true, value: [] };
  }
}

/** After the write: restore what was paused when the target is back at what git says; say what stays paused. */
export async function gitopsAfter(deps: DeployCommandDeps, target: OpenDeploy, after: AfterOperation): Promise<void> {
  if (after.paused.length === 0) return;
  const { afterGitopsOperation } = await import('../../app/gitops-guard.js');
  const done = await afterGitopsOperation(target.workspace.location.root, target.context, after);
  for (const line of done.lines) deps.log.info(line);
  if (done.lines.length > 0) void vscode.window.showInformationMessage(done.lines.join(' '));
}

/** A deploy or rollback that changed a target with gitops.manifests: the manifests commit, prepared (not pushed). */
export async function manifestsAfter(deps: DeployCommandDeps, target: OpenDeploy, operation: FinishedOperation, incident: string | undefined): Promise<void> {
  if (!target.target.gitops.manifests) return;
  const { prepareAfter } = await import('../../app/gitops-prepare-run.js');
  const done = await prepareAfter(target, operation, { ...(incident ? { incident } : {}), progress: (m: string) => deps.log.info(m) });
  if (!done) return;
  if (!done.ok) {
    deps.log.warn(`the manifests change was not prepared: ${done.reason}${done.hint ? ` ${done.hint}` : ''}`);
    return;
  }
  showPrepared(deps, done.value.prepared);
}
