// A deploy to a Helm release: the image goes in as chart values through `helm upgrade`, so the team's
// next upgrade keeps it, and a failure is undone by `helm rollback`, so `helm history` tells the same
// story as the audit log. Plan: lock, preflight (helm history, a server-side dry-run upgrade), update
// (helm upgrade --wait, the lock renewed meanwhile), smoke, release. The rollback is in helm-rollback.ts.

import type { DeploymentView } from './ports';
import type { DeployContext } from './context';
import type { DeployLock } from './lock';
import { LockLost } from './lock';
import { helmMissing, isHelmRefusal, type HelmReleases, type HelmRevision } from './helm-ports';
import { helmImageValues, helmReleaseOf, manifestImages, type HelmRelease } from './helm-values';
import { rolloutStatus } from './rollout';
import type { DeployState, HelmDeployRef } from './state';
import { remedy } from '../remedy';
import { badInput, failed, succeeded, type Failed, type Result } from '../result';

/** As wait.ts: well inside the lock's 60 s, so a slow API call does not let it lapse. */
const RENEW_EVERY_MS = 20_000;
/** Helm's wait when the target names no progress deadline: the Deployment controller's default. */
const DEFAULT_TIMEOUT_MS = 600_000;

export const helmTimeoutMs = (ctx: DeployContext): number => ctx.target.progressDeadlineMs ?? DEFAULT_TIMEOUT_MS;

/**
 * Whether the target is a Helm release, and which. Reads the Deployment only when the answer is on it
 * (detection, or a configured release that leaves its name to the annotation); `d` when already read.
 */
export async function detectHelm(ctx: DeployContext, d?: DeploymentView): Promise<HelmRelease | undefined> {
  const { target } = ctx;
  const settled = target.helm !== undefined && target.helm.release !== undefined && target.helm.namespace !== undefined;
  if (settled || (target.helm !== undefined && target.kind !== 'Deployment')) return helmReleaseOf(target);
  // Detection is for the rolling Deployment only: the config refuses helm: with another strategy.
  if (target.helm === undefined && (target.strategy !== 'rolling' || target.kind !== 'Deployment')) return undefined;
  const found = d ?? (await ctx.cluster.getDeployment(target.namespace, target.app));
  return helmReleaseOf(target, found?.annotations);
}

/** ctx.helm, checked to run and to be recent enough; refused in one line when it cannot serve. */
export async function usableHelm(ctx: DeployContext): Promise<Result<HelmReleases>> {
  if (!ctx.helm) return badInput(helmMissing());
  try {
    await ctx.helm.version();
    return succeeded(ctx.helm);
  } catch (error) {
    if (isHelmRefusal(error)) return badInput(error.message);
    throw error;
  }
}

/** Helm's words for a failed call, or the error itself when it is not Helm's (cancel, lost connection). */
export function helmFailure(what: string, error: unknown): Failed {
  if (isHelmRefusal(error)) return { ...failed(`${what}: ${error.message}`), ...(error.code === 'missing' || error.code === 'too-old' ? { failure: 'input' as const } : {}) };
  throw error;
}

/** The release's history, or a refusal naming where it was looked for. */
export async function releaseHistory(ctx: DeployContext, helm: HelmReleases, which: HelmRelease): Promise<Result<readonly HelmRevision[]>> {
  let history: HelmRevision[] | undefined;
  try {
    history = await helm.history(which.namespace, which.release);
  } catch (error) {
    return helmFailure(`helm history of release ${which.release} failed`, error);
  }
  if (!history || history.length === 0) {
    return {
      ...failed(`Helm release ${which.release} was not found in namespace ${which.namespace} (context ${ctx.cluster.identity.context}).`, `Check targets.${ctx.target.name}.helm.release and helm.namespace, or install the release first.`),
      failure: 'not-found',
    };
  }
  return succeeded(history);
}

/** The target's release, a usable helm and the release's history; undefined when the target is no Helm release. */
export async function detectedRelease(ctx: DeployContext): Promise<Result<{ readonly which: HelmRelease; readonly history: readonly HelmRevision[] }> | undefined> {
  const which = await detectHelm(ctx);
  if (!which) return undefined;
  const helm = await usableHelm(ctx);
  if (!helm.ok) return helm;
  const history = await releaseHistory(ctx, helm.value, which);
  return history.ok ? succeeded({ which, history: history.value }) : history;
}

/** Can this release be upgraded with this image: it is deployed (not pending, not failed), and the config says how. */
function upgradable(ctx: DeployContext, which: HelmRelease, last: HelmRevision, image: string): Result<Record<string, string>> {
  const { target } = ctx;
  if (last.status !== 'deployed') {
    const why = last.status.startsWith('pending') ? 'a helm operation is running or was interrupted' : 'its last change did not complete';
    return {
      ...failed(`Helm release ${which.release} is ${last.status} at revision ${last.revision} (${last.description}): ${why}.`, 'Roll it back first, then deploy.', [remedy('rollback', { target: target.name })]),
      failure: 'state',
    };
  }
  const settings = target.helm;
  if (settings?.imageValue === undefined) {
    return badInput(
      `${target.app} is installed by Helm release ${which.release} (chart ${last.chart}): a patch would be undone by its next upgrade.`,
      `Set targets.${target.name}.helm.imageValue (e.g. image.tag) and helm.chart so deploy upgrades the release.`,
    );
  }
  if (settings.chart === undefined) {
    return badInput(`Helm release ${which.release} (chart ${last.chart}) is upgraded with its chart, and none is configured.`, `Set targets.${target.name}.helm.chart: a directory in this repository, repo/chart or oci://…`);
  }
  const values = helmImageValues(image, settings);
  return values.ok ? values : { ...values, hint: `Check targets.${target.name}.helm (imageValue, imageFormat).` };
}

/**
 * Before a deploy writes anything (its state, its audit record): is the target a Helm release, and
 * can it be upgraded. Undefined: not a Helm release (the rolling plan applies).
 */
export async function helmForDeploy(ctx: DeployContext, image: string): Promise<Result<HelmDeployRef> | undefined> {
  const found = await detectedRelease(ctx);
  if (!found?.ok) return found;
  const { which, history } = found.value;
  const last = history[history.length - 1] as HelmRevision;
  const values = upgradable(ctx, which, last, image);
  if (!values.ok) return values;
  return succeeded({ release: which.release, namespace: which.namespace, fromRevision: last.revision });
}

export async function helmStep(ctx: DeployContext, state: DeployState & { helm: HelmDeployRef }, step: 'preflight' | 'update', lock: DeployLock | undefined): Promise<Result<DeployState>> {
  return step === 'preflight' ? helmPreflight(ctx, state) : helmUpdate(ctx, state, lock);
}

/** Reads the release again (a resumed deploy may find it moved) and has the server dry-run the upgrade. */
async function helmPreflight(ctx: DeployContext, state: DeployState & { helm: HelmDeployRef }): Promise<Result<DeployState>> {
  const { target } = ctx;
  const ref = state.helm;
  const which: HelmRelease = { release: ref.release, namespace: ref.namespace, configured: target.helm !== undefined };
  const helm = await usableHelm(ctx);
  if (!helm.ok) return helm;
  const history = await releaseHistory(ctx, helm.value, which);
  if (!history.ok) return history;
  const last = history.value[history.value.length - 1] as HelmRevision;
  const values = upgradable(ctx, which, last, state.image);
  if (!values.ok) return values;
  const d = target.kind === 'Deployment' ? await ctx.cluster.getDeployment(target.namespace, target.app) : undefined;
  if (d?.containers.some((c) => c.image === state.image)) return failed(`${d.name} already runs ${state.image}.`, 'Nothing to deploy; give another image.');
  const chart = target.helm?.chart ?? '';
  let manifest: string;
  try {
    ({ manifest } = await helm.value.upgrade(ref.namespace, ref.release, chart, upgradeOptions(ctx, values.value, true)));
  } catch (error) {
    return helmFailure(`Helm refused the upgrade of release ${ref.release} (dry-run, nothing changed)`, error);
  }
  // The values must make the chart run the image asked for: a tag without its repository would not.
  const rendered = manifestImages(manifest);
  if (rendered.length > 0 && !rendered.includes(state.image)) {
    const set = Object.entries(values.value).map(([k, v]) => `${k}=${v}`).join(', ');
    return badInput(`Chart ${chart} with ${set} runs ${rendered.join(', ')}, not ${state.image}.`, `Check targets.${target.name}.helm.imageValue, repositoryValue and imageFormat.`);
  }
  return succeeded({
    ...state,
    ...(d ? { deployment: d.name } : {}),
    helm: { release: ref.release, namespace: ref.namespace, fromRevision: last.revision },
    before: { revision: last.revision, images: Object.fromEntries((d?.containers ?? []).map((c) => [c.name, c.image])), availableReplicas: d?.status.availableReplicas ?? 0 },
  });
}

function upgradeOptions(ctx: DeployContext, set: Record<string, string>, dryRun: boolean, description?: string, signal?: AbortSignal) {
  const version = ctx.target.helm?.version;
  return { set, dryRun, wait: !dryRun, timeoutMs: helmTimeoutMs(ctx), ...(version !== undefined ? { version } : {}), ...(description !== undefined ? { description } : {}), ...(signal ? { signal } : {}) };
}

/**
 * helm upgrade --wait: Helm judges readiness of everything the chart makes and records a failed wait as
 * a failed revision. Run again after an interruption, it first looks at what landed: a deployed newer
 * revision is this upgrade done; a pending or failed one is handed to the restore (helm rollback).
 */
async function helmUpdate(ctx: DeployContext, state: DeployState & { helm: HelmDeployRef }, lock: DeployLock | undefined): Promise<Result<DeployState>> {
  const ref = state.helm;
  const which: HelmRelease = { release: ref.release, namespace: ref.namespace, configured: ctx.target.helm !== undefined };
  const helm = await usableHelm(ctx);
  if (!helm.ok) return helm;
  const history = await releaseHistory(ctx, helm.value, which);
  if (!history.ok) return history;
  const last = history.value[history.value.length - 1] as HelmRevision;
  if (last.revision > ref.fromRevision) {
    if (last.status === 'deployed') return succeeded({ ...state, helm: { ...ref, toRevision: last.revision } });
    return failed(`The interrupted upgrade left Helm release ${ref.release} at revision ${last.revision} (${last.status}).`);
  }
  const values = upgradable(ctx, which, last, state.image);
  if (!values.ok) return values;
  const set = Object.entries(values.value).map(([k, v]) => `${k}=${v}`).join(', ');
  ctx.progress?.(`Upgrading Helm release ${ref.release} from revision ${ref.fromRevision} with ${set}; helm waits up to ${Math.round(helmTimeoutMs(ctx) / 1000)}s for it to be ready`);
  const description = `hotfix-deployer: ${state.image}${state.meta.incident ? ` (${state.meta.incident})` : ''}`;
  try {
    const chart = ctx.target.helm?.chart ?? '';
    const up = await whileHelmRuns(ctx, lock, (signal) => helm.value.upgrade(ref.namespace, ref.release, chart, upgradeOptions(ctx, values.value, false, description, signal)));
    return succeeded({ ...state, helm: { ...ref, toRevision: up.revision } });
  } catch (error) {
    return helmFailure(`helm upgrade of release ${ref.release} failed`, error);
  }
}

/**
 * Runs a helm call that waits (upgrade, rollback --wait) while keeping the deploy lock alive and
 * saying how the Deployment rolls out. A lost lock stops helm (another process owns the target now);
 * the person's cancel stops it too, through ctx.signal.
 */
export async function whileHelmRuns<T>(ctx: DeployContext, lock: DeployLock | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const own = new AbortController();
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, own.signal]) : own.signal;
  let finished = false;
  let lost: unknown;
  const running = work(signal).finally(() => {
    finished = true;
  });
  const watch = async () => {
    const { clock, target } = ctx;
    let renewed = clock.now().getTime();
    let last = '';
    while (!finished && !signal.aborted) {
      await clock.sleep(ctx.pollMs ?? 500, signal).catch(() => undefined);
      if (finished || signal.aborted) return;
      if (lock && clock.now().getTime() - renewed > RENEW_EVERY_MS) {
        await lock.renew();
        renewed = clock.now().getTime();
      }
      const d = target.kind === 'Deployment' ? await ctx.cluster.getDeployment(target.namespace, target.app).catch(() => undefined) : undefined;
      const message = d ? rolloutStatus(d).message : '';
      if (message !== '' && message !== last) ctx.progress?.(message);
      last = message;
    }
  };
  const watching = watch().catch((error: unknown) => {
    lost = error;
    own.abort();
  });
  try {
    return await running;
  } catch (error) {
    if (lost instanceof LockLost) throw lost;
    throw error;
  } finally {
    finished = true;
    await watching;
  }
}

/** After a failed upgrade (or one an interruption left pending): back to the revision the deploy started from. */
export async function restoreHelm(ctx: DeployContext, state: DeployState & { helm: HelmDeployRef }, lock: DeployLock | undefined): Promise<string> {
  const ref = state.helm;
  const which: HelmRelease = { release: ref.release, namespace: ref.namespace, configured: ctx.target.helm !== undefined };
  const helm = await usableHelm(ctx);
  if (!helm.ok) return `the Helm release ${ref.release} was left as it is: ${helm.reason}`;
  const history = await releaseHistory(ctx, helm.value, which);
  if (!history.ok) return `the Helm release ${ref.release} was left as it is: ${history.reason}`;
  const last = history.value[history.value.length - 1] as HelmRevision;
  if (last.revision === ref.fromRevision && last.status === 'deployed') return `the Helm release ${ref.release} was not changed (revision ${ref.fromRevision})`;
  ctx.progress?.(`Rolling the Helm release ${ref.release} back to revision ${ref.fromRevision}`);
  try {
    await whileHelmRuns(ctx, lock, (signal) => helm.value.rollback(ref.namespace, ref.release, ref.fromRevision, { wait: true, timeoutMs: helmTimeoutMs(ctx), signal }));
  } catch (error) {
    if (!isHelmRefusal(error)) throw error;
    return `the Helm release ${ref.release} could not be rolled back to revision ${ref.fromRevision}: ${error.message}`;
  }
  const after = await helm.value.history(ref.namespace, ref.release).catch(() => undefined);
  const now = after?.[after.length - 1];
  return `rolled the Helm release ${ref.release} back to revision ${ref.fromRevision}${now ? ` (new revision ${now.revision})` : ''}`;
}

export function helmDeployedMessage(state: DeployState & { helm: HelmDeployRef }, where: string): string {
  const { helm } = state;
  return `Helm release ${helm.release} in ${where} runs ${state.image}: revision ${helm.toRevision ?? '?'} (upgraded from ${helm.fromRevision}), in the values the release's next upgrade reuses.`;
}
