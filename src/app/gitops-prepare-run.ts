// The manifests change for a target, from what the cluster says: after a rollback, the image that runs
// now and the manifests revision the controller applied (to find the commit to revert); after a hotfix
// deploy, the image deployed. Shared by `gitops prepare`, the deploy and rollback verbs (which prepare
// it on their own for a target with gitops.manifests), and VS Code. Records `manifests-prepared`.

import type { DeployState } from '../core/deploy/state';
import { detectOwners } from '../core/gitops/detect';
import type { Target } from '../core/config/targets';
import { succeeded, type Result } from '../core/result';
import { readRunning } from '../core/running/read';
import type { OpenDeploy } from '../adapters/deploy-workspace';
import type { ManifestsChange, PreparedManifests } from '../adapters/gitops/manifests-repo';
import { recordInIncident, type IncidentLink } from './incident-link';

export interface PrepareRequest {
  /** What to prepare; default: make git say the image that runs now (a revert where one fits). */
  readonly change?: ManifestsChange;
  readonly push?: boolean;
  readonly branch?: string;
  readonly issueKey?: string;
  /** The incident whose timeline gets `manifests-prepared`. */
  readonly incident?: string;
  readonly progress?: (message: string) => void;
}

export interface PrepareResult {
  readonly prepared: PreparedManifests;
  readonly link: IncidentLink;
}

export type FinishedOperation = { readonly kind: 'deploy'; readonly state: DeployState } | { readonly kind: 'rollback' };

/**
 * The change a finished deploy or rollback owes git, prepared; undefined when the target has no
 * manifests repository. A rollback makes git say what runs now (read from the cluster); a deploy
 * sets the image it deployed, on a branch named after the hotfix branch it came from.
 */
export async function prepareAfter(opened: OpenDeploy, operation: FinishedOperation, request: PrepareRequest = {}): Promise<Result<PrepareResult> | undefined> {
  if (!opened.target.gitops.manifests) return undefined;
  if (operation.kind === 'rollback') return prepareForTarget(opened, request);
  const { state } = operation;
  // From production or main (not a hotfix branch), the manifests branch gets the default name.
  const branch = state.meta.branch?.startsWith('hotfix/') ? state.meta.branch : undefined;
  return prepareForTarget(opened, { ...request, change: { kind: 'deploy', image: state.image, ...(branch ? { branchName: branch } : {}) } });
}

export async function prepareForTarget(opened: OpenDeploy, request: PrepareRequest = {}): Promise<Result<PrepareResult>> {
  const { target, context, workspace } = opened;
  if (request.change !== undefined) return prepareAndRecord(workspace.location.root, target, request.change, request);
  // What runs now, and what the controller last applied (the commit to revert is at or before it).
  const warnings: string[] = [];
  const [running, owners] = await Promise.all([
    readRunning({ cluster: context.cluster, git: workspace.context.git }, target, { tagPrefix: workspace.context.settings.tagPrefix }),
    detectOwners(context.cluster, target).catch((error: unknown) => {
      warnings.push(`Could not read the GitOps owners (${error instanceof Error ? error.message : String(error)}): the commit to revert is looked for from the branch tip.`);
      return [];
    }),
  ]);
  if (!running.ok) return running;
  const applied = owners.find((o) => o.appliedRevision !== undefined)?.appliedRevision;
  const done = await prepareAndRecord(workspace.location.root, target, { kind: 'rollback', to: running.value.image.image, ...(applied !== undefined ? { appliedRevision: applied } : {}) }, request);
  return done.ok && warnings.length > 0 ? succeeded({ ...done.value, prepared: { ...done.value.prepared, warnings: [...warnings, ...done.value.prepared.warnings] } }) : done;
}

/** Prepares `change` in the target's manifests clone and records it in the incident's timeline. */
export async function prepareAndRecord(root: string, target: Target, change: ManifestsChange, request: PrepareRequest = {}): Promise<Result<PrepareResult>> {
  // Its own bundle (dist/gitops-manifests.js, with yaml): loaded here, not at activation.
  const { prepareManifestsChange } = await import('../adapters/gitops/manifests-repo.js');
  const prepared = await prepareManifestsChange(root, target, change, {
    ...(request.push !== undefined ? { push: request.push } : {}),
    ...(request.branch !== undefined ? { branch: request.branch } : {}),
    ...(request.issueKey !== undefined ? { issueKey: request.issueKey } : {}),
    ...(request.progress ? { progress: request.progress } : {}),
  });
  if (!prepared.ok) return prepared;
  const p = prepared.value;
  let link: IncidentLink = {};
  if (p.kind !== 'none' && p.branch !== undefined && p.commit !== undefined) {
    link = await recordInIncident(root, request.incident, [
      { type: 'manifests-prepared', target: target.name, repo: p.repo, branch: p.branch, commit: p.commit, summary: p.summary, ...(p.pullRequestUrl ? { pullRequest: p.pullRequestUrl } : {}) },
    ]);
  }
  return succeeded({ prepared: p, link });
}

/** The prepared change in lines for a terminal or a log: what, where, and the next step. */
export function preparedLines(p: PreparedManifests): string[] {
  const lines = [...p.warnings.map((w) => `warning: ${w}`), p.summary];
  if (p.kind === 'none') return lines;
  lines.push(`  ${p.kind} commit ${(p.commit ?? '').slice(0, 12)} on ${p.branch ?? ''} (from ${p.base}) in ${p.repo}`);
  if (p.pushed) lines.push(`  pushed${p.pullRequestUrl ? `; open the pull request: ${p.pullRequestUrl}` : ''}`);
  else {
    if (p.pushError) lines.push(`  the push failed: ${p.pushError} (the branch is kept)`);
    lines.push(`  next: ${p.pushCommand.join(' ')}${p.pullRequestUrl ? `, then open ${p.pullRequestUrl}` : ''}`);
  }
  return lines;
}
