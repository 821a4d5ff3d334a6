// Pause GitOps Auto-Sync…, Restore GitOps Auto-Sync… and Prepare Manifests Change…: the palette's and
// the Deployments view's twins of `gitops pause | restore | prepare`. The target comes from the
// arguments, a tree row or a quick pick; the use cases (src/app/gitops.ts, gitops-prepare-run.ts)
// confirm it, naming its kube context and namespace, and do the work; this shows what they did.

import * as vscode from 'vscode';
import type { PreparedManifests } from '../../app/gitops-prepare-run';
import type { IncidentLink } from '../../app/incident-link';
import type { Confirmation } from '../command-args';
import { argsOf, cancelled, pickTargetConfig, type DeployCommandDeps, type Outcome } from '../deploy/flow';
import { chosenTarget, session } from '../session';
import { showFailure, showRefusal, type FailureAction } from '../ui';

interface GitopsArgs {
  readonly root?: string;
  readonly target?: string | { readonly name: string };
  /** Skip the modal of an ordinary target (tests, automation); a protected target still has its name typed. */
  readonly confirmed?: boolean;
  /** Pause for this incident (default: the only open one). */
  readonly incident?: string;
  /** Restore although git still says another image. */
  readonly force?: boolean;
  /** While git still says another image, wait for the manifests change's request to be merged, then restore. */
  readonly wait?: boolean;
}

function report(deps: DeployCommandDeps, lines: readonly string[], notes: readonly string[]): void {
  for (const line of [...lines, ...notes]) deps.log.info(line);
  void vscode.window.showInformationMessage(lines.join(' '));
}

const linkNotes = (links: readonly IncidentLink[]): string[] => links.flatMap((l) => (l.note ? [`the incident timeline was not updated: ${l.note}`] : []));

export async function pauseAutoSyncCommand(deps: DeployCommandDeps, arg?: unknown): Promise<Outcome<readonly string[]>> {
  const chosen = await chosenTarget(deps, arg, 'Pause GitOps auto-sync of');
  if (!chosen) return cancelled;
  const { env } = await session(deps, chosen.root, arg);
  const { gitopsPause } = await import('../../app/gitops.js');
  const incident = argsOf<GitopsArgs>(arg).incident;
  const done = await gitopsPause(env, { target: chosen.name, ...(incident ? { incident } : {}) });
  deps.deploys.invalidate();
  if (done.kind === 'cancelled') return cancelled;
  if (done.kind === 'refused') {
    void showRefusal(deps.log, done.failed, [], chosen.root);
    return { ok: false, reason: done.failed.reason };
  }
  const lines = done.results.map((r) => r.line);
  report(deps, lines, linkNotes([done.link]));
  return { ok: true, value: lines };
}

/** `asked`: Restore Anyway or Wait for Merge, after this flow's own confirmation; a registered call never passes it. */
export async function restoreAutoSyncCommand(deps: DeployCommandDeps, arg?: unknown, asked?: Confirmation): Promise<Outcome<readonly string[]>> {
  const chosen = await chosenTarget(deps, arg, 'Restore GitOps auto-sync of');
  if (!chosen) return cancelled;
  const { root, name } = chosen;
  const { env, interaction } = await session(deps, root, arg, asked);
  const { gitopsRestore, DEFAULT_MERGE_WAIT } = await import('../../app/gitops.js');
  const { force, wait } = argsOf<GitopsArgs>(arg);
  const waiting = wait === true && force !== true;
  const run = () => gitopsRestore(env, { target: name, force: force === true, ...(waiting ? { wait: DEFAULT_MERGE_WAIT } : {}), via: 'Restore GitOps Auto-Sync' });
  // A wait takes minutes: under a notification whose Cancel stops it (nothing is restored then).
  const done = waiting ? await interaction.withProgress(`Hotfix: restoring GitOps auto-sync of ${name} once its manifests change is merged`, run) : await run();
  deps.deploys.invalidate();
  // Confirmed (its name typed, if protected) at the start of this flow: not asked again.
  const again = (more: GitopsArgs): FailureAction => ({ title: more.force ? 'Restore Anyway' : 'Wait for Merge', run: () => restoreAutoSyncCommand(deps, { root, target: name, ...more }, 'asked') });
  const open = (noun: string, url: string | undefined): FailureAction[] => (url ? [{ title: `Open ${noun.replace(/^./, (c) => c.toUpperCase())}`, run: () => vscode.env.openExternal(vscode.Uri.parse(url)) }] : []);
  switch (done.kind) {
    case 'cancelled':
      return cancelled;
    case 'refused':
      void showRefusal(deps.log, done.failed, [], root);
      return { ok: false, reason: done.failed.reason };
    case 'git-disagrees': {
      // Restoring would undo the fix: offer waiting for the open request's merge (else preparing the change), or restoring anyway.
      const request = done.request;
      void showFailure(deps.log, done.failed.reason, done.failed.hint, [
        done.canWait ? again({ wait: true }) : { title: 'Prepare Manifests Change…', run: () => vscode.commands.executeCommand('hotfixDeployer.prepareManifestsChange', { root, target: name }) },
        ...(request?.number !== undefined ? open(request.noun, request.url) : []),
        again({ force: true }),
      ]);
      return { ok: false, reason: done.failed.reason };
    }
    case 'waiting': {
      // Given up or cancelled: auto-sync stays paused; the request can be opened, or waited for again.
      const actions = [{ ...again({ wait: true }), title: 'Wait Again' }, ...open(done.noun, done.pull.url)];
      if (done.end === 'timeout') void showFailure(deps.log, done.failed.reason, done.failed.hint, actions);
      else {
        deps.log.info(`${done.failed.reason} ${done.failed.hint ?? ''}`);
        void vscode.window.showInformationMessage(`${done.failed.reason} ${done.failed.hint ?? ''}`, ...actions.map((a) => a.title)).then((choice) => actions.find((a) => a.title === choice)?.run());
      }
      return { ok: false, reason: done.failed.reason };
    }
    default: {
      const lines = done.results.map((r) => r.line);
      if (lines.length === 0) lines.push(`Nothing of ${name} is paused by Hotfix Deployer.`);
      if (done.waited) lines.push(`${done.waited.noun.replace(/^./, (c) => c.toUpperCase())} #${done.waited.number} was merged.`);
      report(deps, lines, [...done.notes, ...linkNotes(done.links)]);
      return { ok: true, value: lines };
    }
  }
}

interface PrepareArgs extends GitopsArgs {
  /** Push the new branch (default: ask). */
  readonly push?: boolean;
}

/** Prepare Manifests Change…: the commit in the manifests clone that makes git say what runs now. */
export async function prepareManifestsCommand(deps: DeployCommandDeps, arg?: unknown): Promise<Outcome<PreparedManifests>> {
  const picked = await pickTargetConfig(deps, arg, 'Prepare the manifests change for');
  if (!picked) return cancelled;
  const { root, target } = picked;
  const manifests = target.gitops.manifests;
  if (!manifests) {
    const reason = `targets.${target.name}.gitops.manifests is not set: there is no manifests repository to prepare the change in.`;
    void showFailure(deps.log, reason, `Add gitops: { manifests: { repo: ../infra, path: apps/${target.app}/deployment.yaml } } to the target in .hotfix/config.yaml.`);
    return { ok: false, reason };
  }
  let push = argsOf<PrepareArgs>(arg).push;
  if (push === undefined) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Prepare the Branch', description: `a commit on a new branch in ${manifests.repo}, not pushed`, push: false },
        { label: 'Prepare and Push', description: `also push it to ${manifests.remote}, ready for a pull request`, push: true },
      ],
      { title: `Hotfix: make ${manifests.path} say what ${target.name} runs`, ignoreFocusOut: true },
    );
    if (!pick) return cancelled;
    push = pick.push;
  }
  const { env, interaction } = await session(deps, root, arg);
  const { gitopsPrepare } = await import('../../app/gitops-prepare-run.js');
  const done = await interaction.withProgress(`Hotfix: preparing the manifests change for ${target.name}`, () => gitopsPrepare(env, { target: target.name, push }));
  if (done.kind === 'refused') {
    void showRefusal(deps.log, done.failed, [], root);
    return { ok: false, reason: done.failed.reason };
  }
  showPrepared(deps, done.prepared);
  return { ok: true, value: done.prepared };
}

/** The prepared change in the log, and a message with Open Pull Request when there is one to open. */
export function showPrepared(deps: Pick<DeployCommandDeps, 'log'>, p: PreparedManifests): void {
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
