// What a target runs, mapped to the repository, with the production baseline and any drift between
// them: opened through the kube context as a deploy would be. Shared by the CLI and the extension.

import { CONFIG_PATH, type BranchingModel } from '../core/config/types';
import { chooseBase } from '../core/hotfix/create';
import type { Baseline } from '../core/hotfix/records';
import type { EventPayload } from '../core/incident/events';
import { failed, succeeded, type Result } from '../core/result';
import { compareRunning, readRunning, type Drift, type RunningRevision } from '../core/running';
import { openDeploy, type DeployOpenOptions, type OpenDeploy } from '../adapters/deploy-workspace';
import { recordInIncident, type IncidentLink } from './incident-link';

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
  const { workspace, target, context } = opened;
  const hotfix = workspace.context;
  const [running, production] = await Promise.all([
    readRunning({ cluster: context.cluster, git: hotfix.git }, target, { tagPrefix: hotfix.settings.tagPrefix }),
    chooseBase(hotfix, model ?? hotfix.settings.model, undefined),
  ]);
  if (!running.ok) return running;
  const commit = running.value.commit;
  if (!commit) {
    return failed(
      unmappedReason(running.value),
      `Set targets.${target.name}.tagPattern in ${CONFIG_PATH} to how its images are tagged (e.g. "${running.value.image.repository}:{version}" or "${running.value.image.repository}:sha-{sha}"), or deploy through hotfix-deployer, which annotates the pod template with the commit.`,
    );
  }
  if (!production.ok) return production;
  const drift = await compareRunning(hotfix.git, { name: production.value.tag ?? production.value.ref, sha: production.value.sha }, commit.sha);
  return succeeded({ running: { ...running.value, commit }, production: production.value, ...(drift ? { drift } : {}), root: workspace.location.root });
}

/** The drift as the incident timeline's event. */
export function driftEvent(report: RunningReport & { readonly drift: Drift }): EventPayload {
  const { running, drift } = report;
  return { type: 'drift-found', target: running.target, runningSha: drift.runningSha, image: running.image.image, via: running.commit.via, expected: drift.expected, expectedSha: drift.expectedSha };
}

/**
 * Records the drift, if any, in the incident (the one named, else the only open one is the caller's
 * choice): once per target and running commit, so looking again (the tree, `running`) adds nothing.
 */
export async function recordDrift(report: RunningReport, incident: string | undefined): Promise<IncidentLink> {
  const drift = report.drift;
  if (!drift || incident === undefined) return {};
  const [{ openIncidents }, { pickIncident }] = await Promise.all([import('../adapters/incident-workspace.js'), import('../core/incident/query.js')]);
  const opened = await openIncidents(report.root);
  const picked = opened.ok ? await pickIncident(opened.value.context, incident) : undefined;
  const seen = picked?.ok && picked.value.incident.events.some((e) => e.type === 'drift-found' && e.target === report.running.target && e.runningSha === drift.runningSha && e.expectedSha === drift.expectedSha);
  if (seen) return { incident };
  return recordInIncident(report.root, incident, [driftEvent({ ...report, drift })]);
}
