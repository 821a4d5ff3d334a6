// Resolving an incident ends what it paused: GitOps auto-sync paused for it (its timeline says which
// objects) is restored, or, kept paused on purpose, becomes an action item of the resolution. The
// person is told first that the controllers will apply what git says again.

import * as vscode from 'vscode';
import type { Incident } from '../../core/incident/model';
import { kubeconfigSetting } from '../settings';
import { isTrusted, showUntrusted } from '../trust';
import { UNTRUSTED_GITOPS_RESTORE } from '../trust-gate';

export interface ResolveGitopsArgs {
  /** Keep auto-sync paused, saying why (an action item), instead of restoring it (tests, automation). */
  readonly keepGitopsPaused?: string;
  /** Restore even where git does not yet say what runs. */
  readonly restoreGitopsAnyway?: boolean;
}

/** The action items the resolution must carry for objects left paused; undefined when cancelled. */
export async function gitopsAtResolve(log: vscode.LogOutputChannel, root: string, incident: Incident, args: ResolveGitopsArgs, interactive: boolean): Promise<readonly string[] | undefined> {
  const { pausedInTimeline } = await import('../../core/gitops/guard.js');
  const paused = pausedInTimeline(incident.events);
  if (paused.length === 0) return [];
  if (!isTrusted()) {
    // Restoring is a cluster call; keeping it paused unasked would hide it. Resolve once trusted.
    void showUntrusted(log, UNTRUSTED_GITOPS_RESTORE);
    return undefined;
  }
  let keep = args.keepGitopsPaused;
  if (keep === undefined && interactive) {
    const restore = 'Restore Auto-Sync and Resolve';
    const keepIt = 'Keep Paused and Resolve…';
    const objects = paused.map((p) => p.object).join(', ');
    const choice = await vscode.window.showWarningMessage(
      `Resolving ${incident.id} restores GitOps auto-sync of ${objects}.`,
      { modal: true, detail: 'The controller then applies what git says. Where gitops.manifests is set and git does not say what runs yet, the object stays paused and its restore becomes an action item. Merge the manifests change first (Prepare Manifests Change… makes it), or keep auto-sync paused.' },
      restore,
      keepIt,
    );
    if (choice === undefined) return undefined;
    if (choice === keepIt) {
      keep = await vscode.window.showInputBox({ title: `Hotfix: keep auto-sync of ${objects} paused`, prompt: 'Why it stays paused (goes into the action item)', ignoreFocusOut: true, validateInput: (v) => (v.trim() === '' ? 'A reason is needed.' : undefined) });
      if (keep === undefined) return undefined;
    }
  }
  const { restoreForIncident } = await import('../../app/gitops-restore.js');
  const kubeconfig = kubeconfigSetting();
  const done = await restoreForIncident(root, incident.id, { ...(kubeconfig ? { kubeconfig } : {}), ...(keep !== undefined ? { keep: keep.trim() } : {}), ...(args.restoreGitopsAnyway ? { force: true } : {}) });
  for (const line of done.lines) log.info(line);
  if (done.kept.length > 0) void vscode.window.showWarningMessage(`Auto-sync stays paused for ${done.kept.map((k) => k.object).join(', ')}: ${done.kept[0]?.why ?? ''}. Its restore is an action item of the resolution.`);
  for (const link of done.links) if (link.note) log.info(`the incident timeline was not updated: ${link.note}`);
  return done.actionItems;
}
