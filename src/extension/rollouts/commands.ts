// Argo Rollout Action… (palette, a Rollout in the Deployments view, the panel's canary controls): which
// argo-rollout target, which verb (promote, promote --full, abort, retry, pause, resume, undo, restart),
// for undo which revision; then src/app/rollout.ts acts through the Rollout as its kubectl plugin does,
// asks the typed confirmation of a protected target, and records the audit and the incident timeline.

import * as vscode from 'vscode';
import type { RolloutAction } from '../../app/rollout';
import type { RolloutInfo } from '../../core/rollouts/info';
import { argsOf, cancelled, type DeployCommandDeps, type Outcome, type TargetFilter } from '../deploy/flow';
import { chosenTarget, session } from '../session';
import { showRefusal } from '../ui';

interface RolloutArgs {
  readonly action?: RolloutAction;
  readonly toRevision?: number;
  readonly incident?: string;
}

/** The verbs in the order the quick pick offers them, each with what it does to the Rollout. */
export const ACTION_ITEMS: readonly { readonly action: RolloutAction; readonly label: string; readonly description: string }[] = [
  { action: 'promote', label: 'Promote', description: 'go to the next step: past a pause, or an inconclusive analysis' },
  { action: 'promote-full', label: 'Promote Fully', description: 'skip the remaining steps and analysis: all traffic to the new revision' },
  { action: 'abort', label: 'Abort', description: 'stop the update: traffic back to stable, the canary scaled down' },
  { action: 'retry', label: 'Retry', description: 'start an aborted update again from its first step' },
  { action: 'pause', label: 'Pause', description: 'hold the Rollout where it is until resumed' },
  { action: 'resume', label: 'Resume', description: 'end a manual pause (a pause step still waits for Promote)' },
  { action: 'undo', label: 'Undo…', description: 'roll back to the previous revision, or one you choose' },
  { action: 'restart', label: 'Restart', description: "restart the Rollout's pods, a few at a time" },
];

const ROLLOUT_TARGETS: TargetFilter = {
  accept: (t) => t.strategy === 'argo-rollout',
  none: 'No target of this repository is an Argo Rollout.',
  hint: 'Set strategy: argo-rollout on the target whose app is a Rollout in .hotfix/config.yaml.',
};

const actionWords = (action: RolloutAction) => ACTION_ITEMS.find((i) => i.action === action)?.label.replace('…', '') ?? action;

/** The Rollout as the view last read it (for the pickers' words); undefined when it cannot be read. */
async function liveRollout(deps: DeployCommandDeps, root: string, name: string): Promise<RolloutInfo | undefined> {
  const live = await deps.deploys.live(root, name);
  return 'target' in live ? live.rollout : undefined;
}

async function pickAction(name: string, rollout: RolloutInfo | undefined): Promise<RolloutAction | undefined> {
  const where = rollout ? `Rollout ${rollout.name}: ${rollout.message ? `${rollout.phase} - ${rollout.message}` : rollout.phase}` : `the Rollout of ${name}`;
  const pick = await vscode.window.showQuickPick(
    ACTION_ITEMS.map((i) => ({ label: i.label, description: i.description, action: i.action })),
    { title: `Hotfix: Argo Rollout Action on ${name}`, placeHolder: `What to do with ${where}` },
  );
  return pick?.action;
}

/** undo's revision: the previous one (as the plugin's undo without --to-revision), or one of the Rollout's ReplicaSets. */
async function pickRevision(name: string, rollout: RolloutInfo | undefined): Promise<{ readonly toRevision?: number } | undefined> {
  const sets = [...(rollout?.replicaSets ?? [])].filter((rs) => rs.revision !== undefined).sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0));
  const items: (vscode.QuickPickItem & { readonly toRevision?: number })[] = [
    { label: 'The previous revision', description: 'as kubectl argo rollouts undo does' },
    ...sets.map((rs) => ({ label: `Revision ${rs.revision ?? ''}`, description: `${rs.images.join(', ')} · ${rs.role}`, detail: rs.name, toRevision: rs.revision })),
  ];
  const pick = await vscode.window.showQuickPick(items, { title: `Hotfix: Undo the Rollout of ${name}`, placeHolder: 'Roll back to which revision?' });
  return pick ? (pick.toRevision !== undefined ? { toRevision: pick.toRevision } : {}) : undefined;
}

export async function rolloutActionCommand(deps: DeployCommandDeps, arg?: unknown): Promise<Outcome<string>> {
  const chosen = await chosenTarget(deps, arg, 'Argo Rollout Action on', ROLLOUT_TARGETS);
  if (!chosen) return cancelled;
  const a = argsOf<RolloutArgs>(arg);
  let action = a.action;
  let toRevision = a.toRevision;
  if (action === undefined) {
    // Read once for the pickers' words only; the operation reads the Rollout again before it acts.
    const rollout = await liveRollout(deps, chosen.root, chosen.name);
    action = await pickAction(chosen.name, rollout);
    if (action === undefined) return cancelled;
    if (action === 'undo' && toRevision === undefined) {
      const revision = await pickRevision(chosen.name, rollout);
      if (!revision) return cancelled;
      toRevision = revision.toRevision;
    }
  }
  const { env, interaction } = await session(deps, chosen.root, arg);
  const { rolloutActionOperation } = await import('../../app/rollout.js');
  const what = `${actionWords(action)}${toRevision !== undefined ? ` to revision ${toRevision}` : ''}`;
  const result = await interaction.withProgress(`Hotfix: ${what} the Rollout of ${chosen.name}`, () =>
    rolloutActionOperation(env, {
      target: chosen.name,
      action,
      ...(toRevision !== undefined ? { toRevision } : {}),
      ...(a.incident !== undefined ? { incident: a.incident } : {}),
    }),
  );
  deps.deploys.invalidate();
  if (result.kind === 'done') {
    void vscode.window.showInformationMessage(result.message);
    return { ok: true, value: result.message };
  }
  if (result.kind === 'cancelled') return cancelled;
  void showRefusal(deps.log, result.failed, [], chosen.root);
  return { ok: false, reason: result.failed.reason };
}
