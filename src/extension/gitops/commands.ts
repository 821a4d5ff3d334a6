// Pause GitOps Auto-Sync…, Restore GitOps Auto-Sync… and Prepare Manifests Change…: the palette's and
// the Deployments view's twins of `gitops pause | restore | prepare`. The target comes from the
// arguments, a tree row or a quick pick; its kube context and namespace are named in the confirmation.

import * as vscode from 'vscode';
import type { OpenDeploy } from '../../adapters/deploy-workspace';
import type { PreparedManifests } from '../../adapters/gitops/manifests-repo';
import { callerConfirmation, type Confirmation } from '../command-args';
import { argsOf, cancelled, confirm, pickTarget, type DeployCommandDeps, type Outcome } from '../deploy/flow';
import { showFailure } from '../ui';

interface GitopsArgs {
  readonly root?: string;
  readonly target?: string | { readonly name: string };
  /** Skip the modal of an ordinary target (tests, automation); a protected target still has its name typed. */
  readonly confirmed?: boolean;
  /** Pause for this incident (default: the only open one). */
  readonly incident?: string;
}

async function opened(deps: DeployCommandDeps, arg: unknown, verb: string, what: (t: OpenDeploy) => string, given: Confirmation = callerConfirmation(arg)): Promise<OpenDeploy | undefined> {
  const target = await pickTarget(deps, arg, verb);
  if (!target) return undefined;
  return (await confirm(target, what(target), given)) ? target : undefined;
}

function report(deps: DeployCommandDeps, lines: readonly string[], notes: readonly string[]): void {
  for (const line of [...lines, ...notes]) deps.log.info(line);
  void vscode.window.showInformationMessage(lines.join(' '));
}

export async function pauseAutoSyncCommand(deps: DeployCommandDeps, arg?: unknown): Promise<Outcome<readonly string[]>> {
  const target = await opened(deps, arg, 'Pause GitOps auto-sync of', (t) => `Pause GitOps auto-sync of ${t.target.name}: Argo CD or Flux stops applying git until restored`);
  if (!target) return cancelled;
  const { pauseTarget } = await import('../../app/gitops-restore.js');
  const incident = argsOf<GitopsArgs>(arg).incident;
  const done = await pauseTarget(target, { confirmed: true, ...(incident ? { incident } : {}) });
  deps.deploys.invalidate();
  if (!done.ok) {
    void showFailure(deps.log, done.reason, done.hint);
    return { ok: false, reason: done.reason };
  }
  const lines = done.value.results.map((r) => r.line);
  report(deps, lines, done.value.link.note ? [`the incident timeline was not updated: ${done.value.link.note}`] : []);
  return { ok: true, value: lines };
}

/** `asked`: Restore Anyway, after this flow's own confirmation; a registered call never passes it. */
export async function restoreAutoSyncCommand(deps: DeployCommandDeps, arg?: unknown, asked?: 'asked'): Promise<Outcome<readonly string[]>> {
  const target = await opened(deps, arg, 'Restore GitOps auto-sync of', (t) => `Restore GitOps auto-sync of ${t.target.name}: the controller applies what git says again`, asked ?? callerConfirmation(arg));
  if (!target) return cancelled;
  const { restoreTarget } = await import('../../app/gitops-restore.js');
  const force = argsOf<GitopsArgs & { force: boolean }>(arg).force === true;
  const done = await restoreTarget(target, { confirmed: true, force, reason: `restored by hand (Restore GitOps Auto-Sync) by ${target.context.actor}` });
  deps.deploys.invalidate();
  if (!done.ok) {
    // Git still says another image: restoring would undo the fix. Offer the change, or restoring anyway.
    const root = target.workspace.location.root;
    const name = target.target.name;
    void showFailure(deps.log, done.reason, 'Prepare the manifests change and merge it first, or restore anyway: the controller then applies what git says.', /git still says/.test(done.reason) ? [
      { title: 'Prepare Manifests Change…', run: () => vscode.commands.executeCommand('hotfixDeployer.prepareManifestsChange', { root, target: name }) },
      // Confirmed (its name typed, if protected) at the start of this flow: not asked again.
      { title: 'Restore Anyway', run: () => restoreAutoSyncCommand(deps, { root, target: name, force: true }, 'asked') },
    ] : []);
    return { ok: false, reason: done.reason };
  }
  const lines = done.value.results.map((r) => r.line);
  if (lines.length === 0) lines.push(`Nothing of ${target.target.name} is paused by Hotfix Deployer.`);
  report(deps, lines, [...done.value.notes, ...done.value.links.flatMap((l) => (l.note ? [`the incident timeline was not updated: ${l.note}`] : []))]);
  return { ok: true, value: lines };
}

interface PrepareArgs extends GitopsArgs {
  /** Push the new branch (default: ask). */
  readonly push?: boolean;
}

/** Prepare Manifests Change…: the commit in the manifests clone that makes git say what runs now. */
export async function prepareManifestsCommand(deps: DeployCommandDeps, arg?: unknown): Promise<Outcome<PreparedManifests>> {
  const target = await pickTarget(deps, arg, 'Prepare the manifests change for');
  if (!target) return cancelled;
  const manifests = target.target.gitops.manifests;
  if (!manifests) {
    const reason = `targets.${target.target.name}.gitops.manifests is not set: there is no manifests repository to prepare the change in.`;
    void showFailure(deps.log, reason, `Add gitops: { manifests: { repo: ../infra, path: apps/${target.target.app}/deployment.yaml } } to the target in .hotfix/config.yaml.`);
    return { ok: false, reason };
  }
  let push = argsOf<PrepareArgs>(arg).push;
  if (push === undefined) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Prepare the Branch', description: `a commit on a new branch in ${manifests.repo}, not pushed`, push: false },
        { label: 'Prepare and Push', description: `also push it to ${manifests.remote}, ready for a pull request`, push: true },
      ],
      { title: `Hotfix: make ${manifests.path} say what ${target.target.name} runs`, ignoreFocusOut: true },
    );
    if (!pick) return cancelled;
    push = pick.push;
  }
  const { linkedIncident } = await import('../../app/incident-link.js');
  const { prepareForTarget } = await import('../../app/gitops-prepare-run.js');
  const link = await linkedIncident(target.workspace.location.root);
  const done = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Hotfix: preparing the manifests change for ${target.target.name}` }, () =>
    prepareForTarget(target, { push, progress: (m) => deps.log.info(m), ...(link.incident ? { incident: link.incident } : {}) }),
  );
  if (!done.ok) {
    void showFailure(deps.log, done.reason, done.hint);
    return { ok: false, reason: done.reason };
  }
  showPrepared(deps, done.value.prepared);
  return { ok: true, value: done.value.prepared };
}

/** The prepared change in the log, and a message with Open Pull Request when there is one to open. */
export function showPrepared(deps: DeployCommandDeps, p: PreparedManifests): void {
  for (const w of p.warnings) deps.log.warn(w);
  deps.log.info(p.summary);
  if (p.kind === 'none') {
    void vscode.window.showInformationMessage(p.summary);
    return;
  }
  deps.log.info(`${p.kind} commit ${p.commit ?? ''} on ${p.branch ?? ''} in ${p.repo}${p.pushed ? ' (pushed)' : `; next: ${p.pushCommand.join(' ')}`}`);
  const url = p.pullRequestUrl;
  const text = `${p.summary} Branch ${p.branch ?? ''} in ${p.repo}${p.pushed ? ', pushed.' : p.pushError ? `; the push failed: ${p.pushError}` : ', not pushed yet.'}`;
  void (p.pushError ? vscode.window.showWarningMessage(text, 'Show Log') : vscode.window.showInformationMessage(text, ...(p.pushed && url ? ['Open Pull Request'] : []))).then((choice) => {
    if (choice === 'Open Pull Request' && url) void vscode.env.openExternal(vscode.Uri.parse(url));
    if (choice === 'Show Log') deps.log.show();
  });
}
