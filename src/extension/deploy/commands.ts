// Palette and tree flows for deploys: Deploy… (target, image, the context and namespace shown, a typed
// confirmation for protected targets), Rollback…, Switch Kube Context…. Deploys run under a
// cancellable progress notification: cancel stops at a safe point, resumable. Every command also
// takes an options object (from a tree item, another extension or a test) and returns its outcome.

import * as vscode from 'vscode';
import { incidentNotifyOptions } from '../incident/notify-secrets';
import type { OpenDeploy } from '../../adapters/deploy-workspace';
import type { DeployOutcome } from '../../core/deploy/deploy';
import type { RollbackOutcome } from '../../core/deploy/rollback';
import { callerConfirmation } from '../command-args';
import { showFailure } from '../ui';
import { argsOf, cancelled, confirm, pickTarget, progress, type DeployCommandDeps, type Outcome } from './flow';
import { planDeploy, validationGate, type DeployPlan } from './gate';
import { gitopsAfter, gitopsBefore, manifestsAfter } from './gitops';
import { chooseIncident } from './incident-choice';
import { checkImageReference } from '../../core/image-ref';
import type { GitOpsChoice } from '../../app/gitops-guard';

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

export async function deployCommand(deps: DeployCommandDeps, arg?: unknown): Promise<Outcome<DeployOutcome>> {
  const target = await pickTarget(deps, arg, 'Deploy to');
  if (!target) return cancelled;
  const a = args(arg);
  let image = a.image;
  if (!a.continue) {
    image ??= await askImage(target);
    if (!image) return cancelled;
  }
  const what = a.continue ? `Resume the deploy to ${target.target.name}` : `Deploy ${image ?? ''} to ${target.target.name}`;
  if (!(await confirm(target, what, callerConfirmation(arg)))) return cancelled;
  if (a.continue || image === undefined) return runDeploy(deps, target, what);
  const chosen = await chooseIncident(deps, target.workspace.location.root, a.incident, `Deploy ${image} to ${target.target.name}`);
  if (chosen === 'cancelled') return cancelled;
  const plan = await planDeploy(deps, target, image, chosen.incident);
  const guarded = async (): Promise<Outcome<DeployOutcome>> => {
    // Argo CD or Flux would put the manifests back over this deploy: ask, warn or pause, by config.
    const paused = await gitopsBefore(deps, target, { verb: `deploying ${plan.image}`, button: 'Deploy', ...(a.gitops ? { choice: a.gitops } : {}), ...(plan.incident ? { incident: plan.incident } : {}) });
    if (!paused.ok) return paused;
    return runDeploy(deps, target, what, paused.value.length > 0 ? { ...plan, meta: { ...plan.meta, gitopsPaused: paused.value } } : plan);
  };
  const gate = await validationGate(deps, plan, a.overrideValidation, guarded);
  if (!gate.ok) return gate;
  return guarded();
}

/** The rollout under a cancellable progress notification (a resume without a plan), then its outcome shown. */
async function runDeploy(deps: DeployCommandDeps, target: OpenDeploy, what: string, plan?: DeployPlan): Promise<Outcome<DeployOutcome>> {
  const { deploy, continueDeploy } = await import('../../core/deploy/deploy.js');
  const root = target.workspace.location.root;
  const outcome = await progress(`Hotfix: ${what}`, deps, (report, signal) => {
    if (!plan) return continueDeploy({ ...target.context, progress: report, signal }, true);
    return deploy({ ...plan.opened.context, progress: report, signal }, { image: plan.image, confirmed: true, meta: plan.meta });
  }, { root, target: target.target.name });
  if (plan) await recordDeploy(deps, plan, outcome);
  const { pendingPauses } = await import('../../app/gitops-guard.js');
  // What was paused for it (a resumed deploy carries that in its state): restored if it rolled back.
  const state = outcome.kind === 'refused' ? undefined : outcome.state;
  const incident = plan?.incident ?? state?.meta.incident;
  await gitopsAfter(deps, target, { outcome: outcome.kind, paused: state ? pendingPauses(state) : (plan?.meta.gitopsPaused ?? []), ...(state ? { state } : {}), ...(incident ? { incident } : {}) });
  deps.deploys.invalidate();
  switch (outcome.kind) {
    case 'deployed':
      void vscode.window.showInformationMessage(outcome.message);
      await manifestsAfter(deps, target, { kind: 'deploy', state: outcome.state }, incident);
      if (outcome.state.strategy === 'blue-green' && !outcome.state.retiredAt) {
        deps.deploys.scheduleRetire(root, target.target.name, target.target.keepOldForMs);
      }
      return { ok: true, value: outcome };
    case 'rolled-back':
      void showFailure(deps.log, `The deploy to ${target.target.name} failed: ${outcome.reason}`, `Rolled back automatically: ${outcome.message}.`);
      return { ok: false, reason: `rolled back: ${outcome.reason}` };
    case 'stopped':
      void showFailure(deps.log, outcome.reason, 'Resume it with Deploy… (it offers to continue) or undo it with Rollback….');
      return { ok: false, reason: `stopped: ${outcome.reason}` };
    default:
      void showFailure(deps.log, outcome.reason, outcome.hint);
      return { ok: false, reason: outcome.reason };
  }
}

/** The deploy's events, with its canary gate verdicts in order, into the linked incident's timeline. */
async function recordDeploy(deps: DeployCommandDeps, plan: DeployPlan, outcome: DeployOutcome): Promise<void> {
  if (plan.incident === undefined || outcome.kind === 'refused' || outcome.kind === 'stopped') return;
  const { recordInIncident } = await import('../../app/incident-link.js');
  const { deployEvents } = await import('../../app/deploy-events.js');
  const name = plan.opened.target.name;
  const events = deployEvents(name, plan.image, outcome.state.strategy, plan.verdicts, outcome);
  const recorded = await recordInIncident(plan.opened.workspace.location.root, plan.incident, events, await incidentNotifyOptions());
  deps.log.info(recorded.note ? `the incident timeline was not updated: ${recorded.note}` : `recorded in ${plan.incident}'s timeline`);
}

async function askImage(target: OpenDeploy): Promise<string | undefined> {
  const { imageFromTemplate } = await import('../../core/config/targets.js');
  const { highestRelease } = await import('../../core/hotfix/versions.js');
  const git = target.workspace.context.git;
  let value = '';
  if (target.target.image) {
    const [sha, tags] = await Promise.all([git.resolveCommit('HEAD'), git.tags('HEAD')]);
    const release = highestRelease(tags, target.workspace.context.settings.tagPrefix);
    const image = imageFromTemplate(target.target.image, { ...(release ? { version: release.version, tag: release.name } : {}), ...(sha ? { sha } : {}) });
    if (image.ok) value = image.value;
  }
  const image = await vscode.window.showInputBox({
    title: `Hotfix: Deploy to ${target.target.name} (${target.target.strategy})`,
    prompt: `The image to deploy through context ${target.kube.context}, namespace ${target.target.namespace}`,
    value,
    placeHolder: 'registry.example/checkout:1.4.2',
    ignoreFocusOut: true,
    // The one parser every image goes through (the CLI's --image, templates): the reason names the part.
    validateInput: (v) => {
      const checked = checkImageReference(v.trim());
      return checked.ok ? undefined : checked.reason;
    },
  });
  return image?.trim() || undefined;
}

export async function rollbackCommand(deps: DeployCommandDeps, arg?: unknown): Promise<Outcome<RollbackOutcome>> {
  const target = await pickTarget(deps, arg, 'Roll back');
  if (!target) return cancelled;
  const a = args(arg);
  const how = target.target.strategy === 'blue-green' ? 'switch the Service back to the other colour' : 'undo to the previous revision';
  if (!(await confirm(target, `Roll back ${target.target.name} (${how})`, callerConfirmation(arg)))) return cancelled;
  const link = await chooseIncident(deps, target.workspace.location.root, a.incident, `Roll back ${target.target.name}`);
  if (link === 'cancelled') return cancelled;
  // A rollback is imperative too: the controller would re-apply what git says (maybe the broken version).
  const paused = await gitopsBefore(deps, target, { verb: 'rolling back', button: 'Roll Back', ...(a.gitops ? { choice: a.gitops } : {}), ...(link.incident ? { incident: link.incident } : {}) });
  if (!paused.ok) return paused;
  const { rollback } = await import('../../core/deploy/rollback.js');
  const outcome = await progress(`Hotfix: rolling back ${target.target.name}`, deps, (report, signal) =>
    rollback({ ...target.context, progress: report, signal }, { confirmed: true, ...(a.toRevision !== undefined ? { toRevision: a.toRevision } : {}), ...(a.immediate ? { immediate: true } : {}) }),
  );
  // Rolled back: the cluster now differs from git, so the pause stays; refused: nothing changed, restore.
  await gitopsAfter(deps, target, { outcome: outcome.kind === 'refused' ? 'refused' : 'changed', paused: paused.value, ...(link.incident ? { incident: link.incident } : {}) });
  deps.deploys.invalidate();
  if (outcome.kind === 'rolled-back') {
    const { recordInIncident } = await import('../../app/incident-link.js');
    const root = target.workspace.location.root;
    const recorded = await recordInIncident(root, link.incident, [{ type: 'rollback', target: target.target.name, reason: outcome.message }], await incidentNotifyOptions());
    if (recorded.incident) deps.log.info(`recorded in ${recorded.incident}'s timeline`);
    void vscode.window.showInformationMessage(`Rolled back ${target.target.name} in ${outcome.ms} ms: ${outcome.message}.`);
    await manifestsAfter(deps, target, { kind: 'rollback' }, link.incident);
    return { ok: true, value: outcome };
  }
  void showFailure(deps.log, outcome.reason, outcome.hint);
  return { ok: false, reason: outcome.reason };
}

/** Promote Canary (now, skipping the remaining steps) or Abort Canary (traffic back to stable, canary to 0). */
export async function canaryCommand(deps: DeployCommandDeps, action: 'promote' | 'abort', arg?: unknown): Promise<Outcome<string>> {
  const target = await pickTarget(deps, arg, action === 'promote' ? 'Promote the canary of' : 'Abort the canary of');
  if (!target) return cancelled;
  if (target.target.strategy !== 'canary') {
    void showFailure(deps.log, `${target.target.name} does not deploy by canary (its strategy is ${target.target.strategy}).`, 'Use Rollback… for it.');
    return { ok: false, reason: 'not a canary target' };
  }
  const what = action === 'promote' ? `Promote the canary on ${target.target.name} to all traffic now` : `Abort the canary on ${target.target.name}: traffic back to stable`;
  if (!(await confirm(target, what, callerConfirmation(arg)))) return cancelled;
  // A canary deploy running in this window is stopped at a safe point first, then this takes over.
  if (await deps.deploys.stopRunning(target.workspace.location.root, target.target.name)) deps.log.info(`stopped the running canary deploy of ${target.target.name}`);
  const { promoteCanary } = await import('../../core/deploy/deploy.js');
  const { abortCanary } = await import('../../core/deploy/rollback.js');
  const result = await progress(`Hotfix: ${what}`, deps, async (report, signal) => {
    const ctx = { ...target.context, progress: report, signal };
    if (action === 'abort') {
      const outcome = await abortCanary(ctx, { confirmed: true });
      return outcome.kind === 'rolled-back' ? { ok: true as const, value: outcome.message } : { ok: false as const, reason: outcome.reason, hint: outcome.hint };
    }
    const outcome = await promoteCanary(ctx, true);
    if (outcome.kind === 'deployed') return { ok: true as const, value: outcome.message };
    return { ok: false as const, reason: outcome.kind === 'refused' ? outcome.reason : outcome.kind === 'rolled-back' ? `rolled back: ${outcome.reason}` : outcome.reason, hint: outcome.kind === 'refused' ? outcome.hint : undefined };
  });
  deps.deploys.invalidate();
  if (result.ok) {
    void vscode.window.showInformationMessage(result.value);
    return result;
  }
  void showFailure(deps.log, result.reason, result.hint);
  return { ok: false, reason: result.reason };
}

export async function switchKubeContextCommand(deps: DeployCommandDeps, arg?: unknown): Promise<Outcome<string>> {
  const { kubeconfigFiles } = await import('../../adapters/kube/kubeconfig-files.js');
  const { readContexts, useContext } = await import('../../adapters/kube/use-context.js');
  const setting = deps.deploys.kubeconfigSetting();
  const file = kubeconfigFiles(setting ? { file: setting } : {})[0];
  if (!file) return { ok: false, reason: 'no kubeconfig' };
  const read = await readContexts(file);
  if (!read.ok) {
    void showFailure(deps.log, read.reason, 'Point the hotfixDeployer.kubeconfig setting or $KUBECONFIG at your kubeconfig.');
    return { ok: false, reason: read.reason };
  }
  let name = (arg as { context?: string } | undefined)?.context;
  if (name === undefined) {
    const pick = await vscode.window.showQuickPick(
      read.value.contexts.map((c) => ({ label: c.name, description: [c.name === read.value.current ? 'current' : '', c.cluster, c.namespace].filter(Boolean).join(' · '), name: c.name })),
      { title: 'Hotfix: Switch Kube Context', placeHolder: `Sets current-context in ${file}, as kubectl config use-context does` },
    );
    name = pick?.name;
  }
  if (name === undefined) return cancelled;
  const switched = await useContext(file, name);
  deps.deploys.invalidate();
  if (!switched.ok) {
    void showFailure(deps.log, switched.reason, switched.hint);
    return { ok: false, reason: switched.reason };
  }
  deps.log.info(`kube context: ${name} (${file})`);
  void vscode.window.showInformationMessage(`Kube context is now ${name} (${file}); targets without their own context use it.`);
  return { ok: true, value: name };
}
