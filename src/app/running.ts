// What a target runs, mapped to the repository, with the production baseline and any drift between
// them: opened through the kube context as a deploy would be. Shared by the CLI and the extension.

import { CONFIG_PATH, type BranchingModel } from '../core/config/types';
import { chooseBase } from '../core/hotfix/create';
import type { Baseline } from '../core/hotfix/records';
import type { EventPayload } from '../core/incident/events';
import { failed, succeeded, type Result } from '../core/result';
import { compareRunning, readRunning, type Drift, type RunningRevision } from '../core/running';
import type { IncidentContext } from '../core/incident/ports';
import { openDeploy, type DeployOpenOptions, type OpenDeploy } from '../adapters/deploy-workspace';
import type { AppEnv } from './env';
import { linkIncident, recordEvents, type IncidentLink } from './incident-link';
import { refusedWith, type Refused } from './narrate';

export interface RunningReport {
  readonly running: RunningRevision & { readonly commit: NonNullable<RunningRevision['commit']> };
  /** The production release (gitflow) or production tip (trunk) a hotfix would start from otherwise. */
  readonly production: Baseline;
  readonly drift?: Drift;
  /** The repository root, for recording in its incidents. */
  readonly root: string;
}

/** Why nothing mapped, as a person reads it: the images seen and every rule tried. */
export function unmappedReason(running: RunningRevision): string {
  return [
    `Cannot tell which commit ${running.target} runs: ${running.deployment}${running.revision !== undefined ? ` (revision ${running.revision})` : ''} runs ${running.images
      .map((i) => `${i.container}=${i.image}`)
      .join(', ')}.`,
    'Tried:',
    ...running.tried.map((t) => `  - ${t}`),
  ].join('\n');
}

export interface RunningOptions extends DeployOpenOptions {
  /** The branching model that chooses the production baseline (default: the configured one). */
  readonly model?: BranchingModel;
}

export async function runningReport(dir: string, targetName: string, options: RunningOptions = {}): Promise<Result<RunningReport>> {
  const opened = await openDeploy(dir, targetName, options);
  if (!opened.ok) return opened;
  return runningOf(opened.value, options.model);
}

/** The report for a target already opened (the Deployments view opens it once for all it shows). */
export async function runningOf(opened: OpenDeploy, model?: BranchingModel): Promise<Result<RunningReport>> {
  const { target, context } = opened;
  const workspace = await opened.workspace();
  if (!workspace.ok) return workspace;
  const hotfix = workspace.value.context;
  const [running, production] = await Promise.all([
    readRunning({ cluster: context.cluster, git: hotfix.git }, target, { tagPrefix: hotfix.settings.tagPrefix }),
    chooseBase(hotfix, model ?? hotfix.settings.model, undefined),
  ]);
  if (!running.ok) return running;
  const commit = running.value.commit;
  if (!commit) {
    return failed(
      unmappedReason(running.value),
      `Set targets.${target.name}.tagPattern in ${CONFIG_PATH} to how its images are tagged (e.g. "${running.value.image.repository}:{version}" or "${running.value.image.repository}:sha-{sha}"), or deploy through Hotfix Deployer, which annotates the pod template with the commit.`,
    );
  }
  if (!production.ok) return production;
  const drift = await compareRunning(hotfix.git, { name: production.value.tag ?? production.value.ref, sha: production.value.sha }, commit.sha);
  return succeeded({ running: { ...running.value, commit }, production: production.value, ...(drift ? { drift } : {}), root: workspace.value.location.root });
}

/** The drift as the incident timeline's event. */
export function driftEvent(report: RunningReport & { readonly drift: Drift }): EventPayload {
  const { running, drift } = report;
  return { type: 'drift-found', target: running.target, runningSha: drift.runningSha, image: running.image.image, via: running.commit.via, expected: drift.expected, expectedSha: drift.expectedSha };
}

/** recordDrift through the operation's environment: the incident store its kubeconfig reaches, and its channels. */
export async function recordDriftIn(env: AppEnv, report: RunningReport, incident: string | undefined): Promise<IncidentLink> {
  const drift = report.drift;
  if (!drift || incident === undefined) return {};
  const opened = await env.incidents();
  if (opened.ok && (await driftSeen(opened.value.context, { ...report, drift }, incident))) return { incident };
  return recordEvents(env, incident, [driftEvent({ ...report, drift })]);
}

/** Whether the incident's timeline already has this drift (the same target, running and expected commits). */
async function driftSeen(context: IncidentContext, report: RunningReport & { readonly drift: Drift }, incident: string): Promise<boolean> {
  const { pickIncident } = await import('../core/incident/query.js');
  const picked = await pickIncident(context, incident);
  const { running, drift } = report;
  return picked.ok && picked.value.incident.events.some((e) => e.type === 'drift-found' && e.target === running.target && e.runningSha === drift.runningSha && e.expectedSha === drift.expectedSha);
}

export interface RunningRequest {
  readonly target: string;
  /** The incident a drift is recorded in (default: the only open one, if any). */
  readonly incident?: string;
}

export type RunningOutcome = { readonly kind: 'running'; readonly report: RunningReport; readonly recorded: IncidentLink } | Refused;

/**
 * running: what the target runs, the commit it maps to (and by which rule), and its drift from the
 * production baseline; a drift goes into the incident's timeline once per target and running commit.
 */
export async function running(env: AppEnv, request: RunningRequest): Promise<RunningOutcome> {
  const opened = await env.target(request.target);
  if (!opened.ok) return refusedWith(opened);
  const report = await runningOf(opened.value);
  if (!report.ok) return refusedWith(report);
  const recorded = report.value.drift ? await recordDriftIn(env, report.value, (await linkIncident(env, request.incident)).incident) : {};
  return { kind: 'running', report: report.value, recorded };
}

/**
 * What an opened target runs, for a view that shows it (the Deployments view opens the target once for
 * all it shows): the report, and a drift recorded once in the only open incident's timeline, through
 * the operation's environment (the store its kubeconfig reaches).
 */
export async function runningOfTarget(env: AppEnv, opened: OpenDeploy): Promise<{ readonly report: Result<RunningReport>; readonly recorded: IncidentLink }> {
  const report = await runningOf(opened);
  if (!report.ok || !report.value.drift) return { report, recorded: {} };
  return { report, recorded: await recordDriftIn(env, report.value, (await linkIncident(env)).incident) };
}
