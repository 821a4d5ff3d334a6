// The deploy targets as the Deployments view and the panel read them: the configured targets of a
// repository (cheap: the config alone), and one target's live state through the kube context, the
// commit it runs (its drift from the production release recorded once in the open incident's
// timeline) and the Argo CD / Flux objects that own it. Reads only; nothing here writes the cluster.

import { resolveTarget, targetNames, type Target } from '../core/config/targets';
import { describeTarget, type TargetLiveState } from '../core/deploy/describe';
import { detectOwners, type GitOpsOwner } from '../core/gitops/detect';
import type { Result } from '../core/result';
import type { AppEnv } from './env';
import { message } from './narrate';
import { runningOfTarget, type RunningReport } from './running';

export interface ConfiguredTargets {
  readonly targets: readonly Target[];
  /** Why the repository's targets could not be read (the config is invalid, the folder is not a repository). */
  readonly error?: string;
}

export async function configuredTargets(env: AppEnv): Promise<ConfiguredTargets> {
  const ws = await env.workspace();
  if (!ws.ok) return { targets: [], error: ws.reason };
  const targets = targetNames(ws.value.config).flatMap((name) => {
    const t = resolveTarget(ws.value.config, name);
    return t.ok ? [t.value] : [];
  });
  return { targets };
}

/** A target as the Deployments view shows it: live state, the commit it runs, and its GitOps owners. */
export interface TargetOverview {
  readonly live: TargetLiveState | { readonly error: string };
  readonly running?: Result<RunningReport>;
  readonly gitops?: readonly GitOpsOwner[] | { readonly error: string };
  /** The incident a drift was recorded in, when one was. */
  readonly driftRecordedIn?: string;
}

export async function liveState(env: AppEnv, name: string): Promise<TargetLiveState | { readonly error: string }> {
  const opened = await env.target(name);
  if (!opened.ok) return { error: `${opened.reason}${opened.hint ? ` ${opened.hint}` : ''}` };
  try {
    return await describeTarget(opened.value.context);
  } catch (error) {
    return { error: message(error) };
  }
}

/** From one opening of the kube context: the live state, what runs (and its drift, recorded once), the owners. */
export async function targetOverview(env: AppEnv, name: string): Promise<TargetOverview> {
  const opened = await env.target(name);
  if (!opened.ok) return { live: { error: `${opened.reason}${opened.hint ? ` ${opened.hint}` : ''}` } };
  const [live, running, gitops] = await Promise.all([
    describeTarget(opened.value.context).catch((error: unknown) => ({ error: message(error) })),
    runningOfTarget(env, opened.value).catch((error: unknown): Awaited<ReturnType<typeof runningOfTarget>> => ({ report: { ok: false, reason: message(error) }, recorded: {} })),
    detectOwners(opened.value.context.cluster, opened.value.target).catch((error: unknown) => ({ error: message(error) })),
  ]);
  const driftRecordedIn = running.recorded.incident;
  return { live, running: running.report, gitops, ...(driftRecordedIn ? { driftRecordedIn } : {}) };
}
