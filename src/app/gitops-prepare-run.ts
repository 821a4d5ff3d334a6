// The manifests change for a target, from what the cluster says: after a rollback, the image that runs
// now and the manifests revision the controller applied (to find the commit to revert); after a hotfix
// deploy, the image deployed. The `gitops prepare` use case, and a step of deploy and rollback (which
// prepare it on their own for a target with gitops.manifests). Records `manifests-prepared`.

import type { OpenDeploy } from '../adapters/deploy-workspace';
import type { ManifestsChange, PreparedManifests } from '../adapters/gitops/manifests-repo';
import { resolveTarget, type Target } from '../core/config/targets';
import type { DeployState } from '../core/deploy/state';
import { detectOwners } from '../core/gitops/detect';
import type { EventPayload } from '../core/incident/events';
import { failed, succeeded, type Failed, type Result } from '../core/result';
import { readRunning } from '../core/running/read';
import type { AppEnv } from './env';
import { linkIncident, recordEvents, type IncidentLink } from './incident-link';
import { message, noteLink, refusedWith, type Refused } from './narrate';

export type { ManifestsChange, PreparedManifests };

export interface PrepareRequest {
  /** What to prepare; default: make git say the image that runs now (a revert where one fits). */
  readonly change?: ManifestsChange;
  readonly push?: boolean;
  readonly branch?: string;
  readonly issueKey?: string;
  /** The incident whose timeline gets `manifests-prepared`. */
  readonly incident?: string;
  readonly progress?: (message: string) => void;
  /** Opens the pushed branch's request through the forge's API (needs the environment's token). */
  readonly openRequest?: (prepared: PreparedManifests, target: Target) => Promise<PreparedManifests>;
}

export interface PrepareResult {
  readonly prepared: PreparedManifests;
  readonly link: IncidentLink;
}

export type FinishedOperation = { readonly kind: 'deploy'; readonly state: DeployState } | { readonly kind: 'rollback' };

type RecordEvents = (incident: string | undefined, events: readonly EventPayload[]) => Promise<IncidentLink>;

/** The change a finished deploy or rollback owes git: a rollback says what runs now; a deploy sets its image on its hotfix branch's name. */
function changeAfter(operation: FinishedOperation): ManifestsChange | undefined {
  if (operation.kind === 'rollback') return undefined;
  const { state } = operation;
  // From production or main (not a hotfix branch), the manifests branch gets the default name.
  const branch = state.meta.branch?.startsWith('hotfix/') ? state.meta.branch : undefined;
  return { kind: 'deploy', image: state.image, ...(branch ? { branchName: branch } : {}) };
}

async function prepareFor(opened: OpenDeploy, request: PrepareRequest, record: RecordEvents): Promise<Result<PrepareResult>> {
  const { target, context, repository } = opened;
  if (request.change !== undefined) return prepareWith(repository.location.root, target, request.change, request, record);
  // What runs now, and what the controller last applied (the commit to revert is at or before it).
  const warnings: string[] = [];
  const [running, owners] = await Promise.all([
    readRunning({ cluster: context.cluster, git: repository.git }, target, { tagPrefix: await repository.tagPrefix() }),
    detectOwners(context.cluster, target).catch((error: unknown) => {
      warnings.push(`Could not read the GitOps owners (${message(error)}): the commit to revert is looked for from the branch tip.`);
      return [];
    }),
  ]);
  if (!running.ok) return running;
  const applied = owners.find((o) => o.appliedRevision !== undefined)?.appliedRevision;
  const done = await prepareWith(repository.location.root, target, { kind: 'rollback', to: running.value.image.image, ...(applied !== undefined ? { appliedRevision: applied } : {}) }, request, record);
  return done.ok && warnings.length > 0 ? succeeded({ ...done.value, prepared: { ...done.value.prepared, warnings: [...warnings, ...done.value.prepared.warnings] } }) : done;
}

/** Prepares `change` in the target's manifests clone and records it in the incident's timeline. */
async function prepareWith(root: string, target: Target, change: ManifestsChange, request: PrepareRequest, record: RecordEvents): Promise<Result<PrepareResult>> {
  // Its own bundle (dist/gitops-manifests.js, with yaml): loaded here, not at activation.
  const { prepareManifestsChange } = await import('../adapters/gitops/manifests-repo.js');
  const prepared = await prepareManifestsChange(root, target, change, {
    ...(request.push !== undefined ? { push: request.push } : {}),
    ...(request.branch !== undefined ? { branch: request.branch } : {}),
    ...(request.issueKey !== undefined ? { issueKey: request.issueKey } : {}),
    ...(request.progress ? { progress: request.progress } : {}),
  });
  if (!prepared.ok) return prepared;
  const p = request.openRequest && prepared.value.pushed ? await request.openRequest(prepared.value, target) : prepared.value;
  let link: IncidentLink = {};
  if (p.kind !== 'none' && p.branch !== undefined && p.commit !== undefined) {
    link = await record(request.incident, [
      { type: 'manifests-prepared', target: target.name, repo: p.repo, branch: p.branch, commit: p.commit, summary: p.summary, ...(p.pullRequestUrl ? { pullRequest: p.pullRequestUrl } : {}), ...(p.pullRequest ? { pullRequestNumber: p.pullRequest.number } : {}) },
    ]);
  }
  return succeeded({ prepared: p, link });
}

/**
 * A step of deploy and rollback: the change a finished operation owes git, prepared in the manifests
 * clone (not pushed) and recorded; undefined when the target has no manifests repository. A failure
 * is a warning, never a failed operation.
 */
export async function prepareAfterOperation(env: AppEnv, opened: OpenDeploy, operation: FinishedOperation, incident: string | undefined): Promise<PreparedManifests | undefined> {
  if (!opened.target.gitops.manifests) return undefined;
  const change = changeAfter(operation);
  const done = await prepareFor(opened, { ...(change ? { change } : {}), ...(incident ? { incident } : {}), progress: (m) => env.interaction.progress(m) }, (i, events) => recordEvents(env, i, events));
  if (!done.ok) {
    env.interaction.warn(`the manifests change was not prepared: ${done.reason}${done.hint ? ` ${done.hint}` : ''}`);
    return undefined;
  }
  noteLink(env, done.value.link);
  return done.value.prepared;
}

/** The prepared change in lines for a terminal or a log: what, where, and the next step. */
export function preparedLines(p: PreparedManifests): string[] {
  const lines = [...p.warnings.map((w) => `warning: ${w}`), p.summary];
  if (p.kind === 'none') return lines;
  lines.push(`  ${p.kind} commit ${(p.commit ?? '').slice(0, 12)} on ${p.branch ?? ''} (from ${p.base}) in ${p.repo}`);
  if (p.pushed) lines.push(`  pushed${p.pullRequest ? `; request #${p.pullRequest.number} opened: ${p.pullRequest.url}` : p.pullRequestUrl ? `; open the pull request: ${p.pullRequestUrl}` : ''}`);
  else {
    if (p.pushError) lines.push(`  the push failed: ${p.pushError} (the branch is kept)`);
    lines.push(`  next: ${p.pushCommand.join(' ')}${p.pullRequestUrl ? `, then open ${p.pullRequestUrl}` : ''}`);
  }
  return lines;
}

export interface GitopsPrepareRequest {
  readonly target: string;
  /** What to prepare; default: read what runs from the cluster and make git say it. */
  readonly change?: ManifestsChange;
  readonly push?: boolean;
  readonly branch?: string;
  readonly issueKey?: string;
}

export type GitopsPrepareOutcome = { readonly kind: 'prepared'; readonly target: string; readonly prepared: PreparedManifests; readonly link: IncidentLink } | Refused;

/**
 * gitops prepare: the commit that makes the target's manifests repository say what runs (or the
 * change named), on a new branch, pushed when asked; recorded in the only open incident's timeline.
 */
export async function gitopsPrepare(env: AppEnv, request: GitopsPrepareRequest): Promise<GitopsPrepareOutcome> {
  const ws = await env.workspace();
  if (!ws.ok) return refusedWith({ ...ws, failure: ws.failure ?? 'input' });
  const target = resolveTarget(ws.value.config, request.target);
  if (!target.ok) return refusedWith({ ...target, failure: target.failure ?? 'input' });
  const link = await linkIncident(env);
  const prepare: PrepareRequest = {
    progress: (m) => env.interaction.progress(m),
    openRequest: (p, t) => openManifestsRequest(env, p, t),
    ...(request.push !== undefined ? { push: request.push } : {}),
    ...(request.branch !== undefined ? { branch: request.branch } : {}),
    ...(request.issueKey !== undefined ? { issueKey: request.issueKey } : {}),
    ...(link.incident ? { incident: link.incident } : {}),
  };
  const record: RecordEvents = (incident, events) => recordEvents(env, incident, events);
  let prepared: Result<PrepareResult>;
  if (request.change !== undefined) {
    prepared = await prepareWith(ws.value.location.root, target.value, request.change, prepare, record);
  } else {
    if (!target.value.gitops.manifests) return refusedWith(noManifests(target.value));
    // Nothing named: make git say what runs now, read through the kube context.
    const opened = await env.target(request.target);
    if (!opened.ok) return refusedWith(opened);
    prepared = await prepareFor(opened.value, prepare, record);
  }
  // A preparation that failed is the operation's failure, not the person's input.
  if (!prepared.ok) return refusedWith({ reason: prepared.reason, ...(prepared.hint ? { hint: prepared.hint } : {}), ...(prepared.remedies ? { remedies: prepared.remedies } : {}) });
  return { kind: 'prepared', target: target.value.name, ...prepared.value };
}

/** A target without gitops.manifests: there is nothing to prepare the change in. */
export function noManifests(target: Target): Failed {
  return failed(
    `targets.${target.name}.gitops.manifests is not set: there is no manifests repository to prepare the change in.`,
    `Add gitops: { manifests: { repo: ../infra, path: apps/${target.app}/deployment.yaml } } to the target in .hotfix/config.yaml.`,
  );
}

/**
 * The pushed manifests branch as a pull (merge) request, opened through the forge's API when its
 * remote is on one (or gitops.manifests.forge says) and a token is at hand; an open one is found
 * again. Anything in the way is a warning: the branch is pushed, and the compare address stays.
 */
async function openManifestsRequest(env: AppEnv, p: PreparedManifests, target: Target): Promise<PreparedManifests> {
  const manifests = target.gitops.manifests;
  if (!p.branch || !p.requestBase || !manifests) return p;
  const { openForge } = await import('./forge.js');
  const forge = await openForge(env, p.remoteUrl, manifests.forge, `the manifests change of ${target.name} is pushed`);
  if (!forge.ok) {
    // No forge known and no token: the compare address is the way, as before.
    return manifests.forge || p.pullRequestUrl === undefined ? { ...p, warnings: [...p.warnings, `no request opened: ${forge.reason}`] } : p;
  }
  try {
    const found = await forge.value.findOpen(p.branch, p.requestBase);
    const pull = found ?? (await forge.value.open({ head: p.branch, base: p.requestBase, title: `${target.name}: ${p.summary}`.slice(0, 250), body: `${p.summary}\n\nPrepared by Hotfix Deployer so that git says what runs in ${target.name} (${target.namespace}) before auto-sync is restored.` }));
    env.interaction.progress(`${found ? 'found' : 'opened'} ${forge.value.noun} #${pull.number}: ${pull.url}`);
    return { ...p, pullRequestUrl: pull.url, pullRequest: { number: pull.number, url: pull.url } };
  } catch (error) {
    return { ...p, warnings: [...p.warnings, `no request opened: ${message(error)}`] };
  }
}
