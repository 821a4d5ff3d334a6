// Palette and tree renderings of the deploy operations (src/app/deploy.ts, rollback.ts): Deploy…
// (target, image, then the operation asks through modals and quick picks: the typed confirmation of
// a protected target, the incident, the GitOps choice), Rollback…, Promote and Abort Canary, Switch
// Kube Context…. Each runs under a cancellable progress notification: Cancel stops at a safe point,
// resumable. Every command also takes an options object (a tree item, another extension, a test)
// and returns its outcome.

import * as vscode from 'vscode';
import type { Refused, Cancelled } from '../../app/deploy-steps';
import { afterLines, type AfterGitops, type GitOpsChoice } from '../../app/gitops-guard';
import type { DeployOutcome } from '../../core/deploy/deploy';
import type { RollbackOutcome } from '../../core/deploy/rollback';
import { checkImageReference } from '../../core/image-ref';
import { showPrepared } from '../gitops/commands';
import { remedyActions } from '../remedy';
import { chosenTarget, session } from '../session';
import { showFailure } from '../ui';
import { argsOf, cancelled, type DeployCommandDeps, type Outcome } from './flow';

export type { DeployCommandDeps } from './flow';

interface DeployArgs {
  readonly root?: string;
  /** A target name, or a tree node carrying one. */
  readonly target?: string | { readonly name: string };
  readonly image?: string;
  /** Skip the modal of an ordinary target (tests, automation); a protected target still has its name typed. */
  readonly confirmed?: boolean;
  readonly continue?: boolean;
  readonly toRevision?: number;
  readonly immediate?: boolean;
  /** Deploy past a failed validation: why it cannot wait (a linked SEV0/SEV1 incident is needed). */
  readonly overrideValidation?: string;
  /** Argo CD or Flux would revert it: pause auto-sync first, or go on anyway (no modal). */
  readonly gitops?: GitOpsChoice;
  /** The incident it belongs to, or `none`; without it the only open one, or the person chooses. */
  readonly incident?: string;
}

const args = (arg: unknown): Partial<DeployArgs> => argsOf<DeployArgs>(arg);

/** A refusal shown with its hint (and, when given, the buttons that help); a dismissed question is quiet. */
function shown(deps: DeployCommandDeps, result: Refused | Cancelled, actions: { title: string; run(): unknown }[] = []): Outcome<never> {
  if (result.kind === 'cancelled') return cancelled;
  void showFailure(deps.log, result.failed.reason, result.failed.hint, actions);
  return { ok: false, reason: result.failed.reason };
}

export async function deployCommand(deps: DeployCommandDeps, arg?: unknown): Promise<Outcome<DeployOutcome>> {
  const chosen = await chosenTarget(deps, arg, 'Deploy to');
  if (!chosen) return cancelled;
  const a = args(arg);
  const { env, interaction } = await session(deps, chosen.root, arg);
  const opened = await env.target(chosen.name);
  if (!opened.ok) {
    void showFailure(deps.log, opened.reason, opened.hint);
    return { ok: false, reason: opened.reason };
  }
  const name = opened.value.target.name;
  const { deployOperation, resumeOperation, suggestedImage } = await import('../../app/deploy.js');
  let image = a.image;
  if (!a.continue) {
    image ??= await env.interaction.ask({
      subject: 'image',
      title: `Deploy to ${name} (${opened.value.target.strategy})`,
      prompt: `The image to deploy through context ${opened.value.kube.context}, namespace ${opened.value.target.namespace}`,
      value: (await suggestedImage(opened.value)) ?? '',
      // The one parser every image goes through (the CLI's --image, templates): the reason names the part.
      validate: (v) => {
        const checked = checkImageReference(v);
        return checked.ok ? undefined : checked.reason;
      },
    });
    if (!image) return cancelled;
  }
  const title = a.continue ? `Hotfix: Resume the deploy to ${name}` : `Hotfix: Deploy ${image ?? ''} to ${name}`;
  const result = await deps.deploys.track(chosen.root, name, { abort: () => interaction.cancel() }, interaction.withProgress(title, () =>
    a.continue || image === undefined
      ? resumeOperation(env, { target: name, how: 'continue' })
      : deployOperation(env, {
          target: name,
          image,
          ...(a.incident !== undefined ? { incident: a.incident } : {}),
          ...(a.overrideValidation !== undefined ? { overrideValidation: a.overrideValidation } : {}),
          ...(a.gitops ? { gitops: a.gitops } : {}),
        }),
  ));
  deps.deploys.invalidate();
  switch (result.kind) {
    case 'deployed': {
      const { outcome } = result;
      void vscode.window.showInformationMessage(outcome.message);
      showGitops(result.gitops, chosen.root);
      if (result.manifests) showPrepared(deps, result.manifests);
      if (outcome.state.strategy === 'blue-green' && !outcome.state.retiredAt) deps.deploys.scheduleRetire(chosen.root, name, result.opened.target.keepOldForMs);
      return { ok: true, value: outcome };
    }
    case 'rolled-back':
      void showFailure(deps.log, `The deploy to ${name} failed: ${result.outcome.reason}`, `Rolled back automatically: ${result.outcome.message}.`);
      return { ok: false, reason: `rolled back: ${result.outcome.reason}` };
    case 'stopped':
      void showFailure(deps.log, result.outcome.reason, 'Resume it with Deploy… (it offers to continue) or undo it with Rollback….');
      return { ok: false, reason: `stopped: ${result.outcome.reason}` };
    default:
      // A failed validation: Deploy Anyway… asks why, then deploys again past it (the override rules decide).
      return shown(deps, result, result.kind === 'refused' && result.data?.validation !== undefined && image !== undefined ? [overrideAction(deps, arg, name, image, result)] : []);
  }
}

/** What happened to the auto-sync paused for the operation: restored, or paused still, with the button that restores it. */
function showGitops(done: AfterGitops | undefined, root: string): void {
  if (!done || (done.restored.length === 0 && done.pending.length === 0)) return;
  const { actions } = remedyActions(done.pending.length > 0 && done.remedy ? [done.remedy] : [], root);
  void vscode.window.showInformationMessage(afterLines(done).join(' '), ...actions.map((a) => a.title)).then((title) => actions.find((a) => a.title === title)?.run());
}

function overrideAction(deps: DeployCommandDeps, arg: unknown, name: string, image: string, refused: Refused): { title: string; run(): unknown } {
  return {
    title: 'Deploy Anyway…',
    run: async () => {
      const reason = await vscode.window.showInputBox({
        title: `Hotfix: deploy ${image} to ${name} past the failed validation`,
        prompt: 'Why this cannot wait (audited and put in the incident timeline; a linked SEV0 or SEV1 incident is needed)',
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === '' ? 'A reason is needed.' : undefined),
      });
      if (reason === undefined || reason.trim() === '') return;
      deps.log.info(`deploying ${image} to ${name} past the failed validation (${refused.failed.reason})`);
      await deployCommand(deps, { ...args(arg), target: name, image, overrideValidation: reason.trim() });
    },
  };
}

export async function rollbackCommand(deps: DeployCommandDeps, arg?: unknown): Promise<Outcome<RollbackOutcome>> {
  const chosen = await chosenTarget(deps, arg, 'Roll back');
  if (!chosen) return cancelled;
  const a = args(arg);
  const { env, interaction } = await session(deps, chosen.root, arg);
  const { rollbackOperation } = await import('../../app/rollback.js');
  const result = await interaction.withProgress(`Hotfix: rolling back ${chosen.name}`, () =>
    rollbackOperation(env, {
      target: chosen.name,
      ...(a.toRevision !== undefined ? { toRevision: a.toRevision } : {}),
      ...(a.immediate ? { immediate: true } : {}),
      ...(a.incident !== undefined ? { incident: a.incident } : {}),
      ...(a.gitops ? { gitops: a.gitops } : {}),
    }),
  );
  deps.deploys.invalidate();
  if (result.kind !== 'rolled-back') return shown(deps, result);
  void vscode.window.showInformationMessage(`Rolled back ${chosen.name} in ${result.outcome.ms} ms: ${result.outcome.message}.`);
  showGitops(result.gitops, chosen.root);
  if (result.manifests) showPrepared(deps, result.manifests);
  return { ok: true, value: result.outcome };
}

/** Promote Canary (now, skipping the remaining steps) or Abort Canary (traffic back to stable, canary to 0). */
export async function canaryCommand(deps: DeployCommandDeps, action: 'promote' | 'abort', arg?: unknown): Promise<Outcome<string>> {
  const chosen = await chosenTarget(deps, arg, action === 'promote' ? 'Promote the canary of' : 'Abort the canary of');
  if (!chosen) return cancelled;
  // A canary deploy running in this window is stopped at a safe point once confirmed; then this takes over.
  const { env, interaction } = await session(deps, chosen.root, arg, undefined, async () => {
    if (await deps.deploys.stopRunning(chosen.root, chosen.name)) deps.log.info(`stopped the running canary deploy of ${chosen.name}`);
  });
  const { resumeOperation, abortCanaryOperation } = await import('../../app/deploy.js');
  const what = action === 'promote' ? `Promote the canary on ${chosen.name} to all traffic now` : `Abort the canary on ${chosen.name}: traffic back to stable`;
  const result = await interaction.withProgress(`Hotfix: ${what}`, async () => {
    if (action === 'abort') return abortCanaryOperation(env, { target: chosen.name });
    return resumeOperation(env, { target: chosen.name, how: 'promote' });
  });
  deps.deploys.invalidate();
  switch (result.kind) {
    case 'aborted':
    case 'deployed':
      void vscode.window.showInformationMessage(result.outcome.message);
      return { ok: true, value: result.outcome.message };
    case 'rolled-back':
      void showFailure(deps.log, `rolled back: ${result.outcome.reason}`, undefined);
      return { ok: false, reason: `rolled back: ${result.outcome.reason}` };
    case 'stopped':
      void showFailure(deps.log, result.outcome.reason, undefined);
      return { ok: false, reason: result.outcome.reason };
    default:
      return shown(deps, result);
  }
}

export async function switchKubeContextCommand(deps: DeployCommandDeps, arg?: unknown): Promise<Outcome<string>> {
  const { kubeContexts, switchKubeContext } = await import('../../app/kube-context.js');
  const read = await kubeContexts(deps.deploys.kubeconfigSetting());
  if (!read.ok) {
    void showFailure(deps.log, read.reason, read.hint);
    return { ok: false, reason: read.reason };
  }
  const { file, contexts } = read.value;
  let name = (arg as { context?: string } | undefined)?.context;
  if (name === undefined) {
    const pick = await vscode.window.showQuickPick(
      contexts.contexts.map((c) => ({ label: c.name, description: [c.name === contexts.current ? 'current' : '', c.cluster, c.namespace].filter(Boolean).join(' · '), name: c.name })),
      { title: 'Hotfix: Switch Kube Context', placeHolder: `Sets current-context in ${file}, as kubectl config use-context does` },
    );
    name = pick?.name;
  }
  if (name === undefined) return cancelled;
  const switched = await switchKubeContext(file, name);
  deps.deploys.invalidate();
  if (!switched.ok) {
    void showFailure(deps.log, switched.reason, switched.hint);
    return { ok: false, reason: switched.reason };
  }
  deps.log.info(`kube context: ${name} (${file})`);
  void vscode.window.showInformationMessage(`Kube context is now ${name} (${file}); targets without their own context use it.`);
  return { ok: true, value: name };
}
