// Rolling a Helm release back the way helm does: a new revision made from the chosen one (default: the
// one before the latest, as `helm rollback <release> 0`), the previous marked superseded by Helm itself.
// The plan is saved before the write, so a rollback killed half-way and run again finishes the same one
// (done when the latest revision is that rollback) instead of rolling back once more. Also the history.

import type { DeployContext } from './context';
import type { DeployLock } from './lock';
import type { HelmRevision } from './helm-ports';
import { detectedRelease, detectHelm, helmFailure, helmTimeoutMs, releaseHistory, usableHelm, whileHelmRuns } from './helm';
import type { HelmRelease } from './helm-values';
import type { DeploymentView } from './ports';
import { rolloutStatus } from './rollout';
import { CONTINUED, type RollbackPlan } from './rollback-state';
import type { DeployState } from './state';
import { failed, succeeded, type Failed, type Result } from '../result';

type HelmPlan = Extract<RollbackPlan, { kind: 'helm' }>;

/** What helmRollback needs of rollback.ts's run: the plan it continues, the saving of its own, the deploy it follows. */
export interface HelmRollbackRun {
  readonly operation: string;
  readonly last: DeployState | undefined;
  resumed(kind: 'helm'): HelmPlan | undefined;
  begin(plan: RollbackPlan): Promise<void>;
}

export interface HelmRollbackInput {
  readonly toRevision?: number;
  readonly immediate?: boolean;
}

type Done = { readonly ok: true; readonly message: string } | Failed;


/**
 * `d`: the Deployment when the caller has read it (undo does, before it knows the target is Helm's).
 * `which`: the release when already known.
 */
export async function helmRollback(ctx: DeployContext, input: HelmRollbackInput, lock: DeployLock, run: HelmRollbackRun, d?: DeploymentView, which?: HelmRelease): Promise<Done> {
  const { target } = ctx;
  const deployment = d ?? (target.kind === 'Deployment' ? await ctx.cluster.getDeployment(target.namespace, target.app) : undefined);
  const release = which ?? (await detectHelm(ctx, deployment));
  if (!release) return failed(`${target.name} is not a Helm release.`);
  const helm = await usableHelm(ctx);
  if (!helm.ok) return helm;
  const history = await releaseHistory(ctx, helm.value, release);
  if (!history.ok) return history;
  const revisions = history.value;
  const latest = revisions[revisions.length - 1] as HelmRevision;
  const images = (x: DeploymentView | undefined) => (x ? x.containers.map((c) => c.image) : []);

  const saved = run.resumed('helm');
  const resumed = saved && saved.release === release.release && saved.namespace === release.namespace ? saved : undefined;
  let plan: HelmPlan;
  let write = true;
  if (resumed && latest.revision > resumed.from.revision && latest.description === `Rollback to ${resumed.to.revision}` && latest.status === 'deployed') {
    // The interrupted run's rollback had landed: nothing to write again.
    plan = resumed;
    write = false;
  } else if (resumed && (latest.revision === resumed.from.revision || latest.description === `Rollback to ${resumed.to.revision}`)) {
    // Not landed, or left pending by the interruption: the same rollback again.
    plan = resumed;
  } else {
    const open = openDeploy(run);
    if (open && input.toRevision === undefined && latest.revision === open.fromRevision && latest.status === 'deployed') {
      // Undoing this tool's deploy that stopped before its upgrade landed: nothing to roll back.
      return { ok: true, message: `the deploy had not changed Helm release ${release.release}: it stays at revision ${latest.revision}` };
    }
    const to = defaultTarget(run, input, latest);
    if (typeof to !== 'number') return to;
    if (to === latest.revision) return { ...failed(`Helm release ${release.release} is at revision ${to} already.`, 'Give another revision (see the history).'), failure: 'input' };
    if (to < 1 || to > latest.revision) return { ...failed(`Helm release ${release.release} has no revision ${to} (its latest is ${latest.revision}).`, 'Give a revision from its history.'), failure: 'input' };
    plan = {
      kind: 'helm',
      release: release.release,
      namespace: release.namespace,
      ...(input.toRevision !== undefined ? { requested: input.toRevision } : {}),
      from: { revision: latest.revision, images: images(deployment) },
      to: { revision: to },
    };
    await run.begin(plan);
  }
  if (write) {
    ctx.progress?.(`Rolling Helm release ${plan.release} back from revision ${plan.from.revision} to ${plan.to.revision}`);
    try {
      await whileHelmRuns(ctx, lock, (signal) => helm.value.rollback(plan.namespace, plan.release, plan.to.revision, { wait: input.immediate !== true, timeoutMs: helmTimeoutMs(ctx), signal }));
    } catch (error) {
      return helmFailure(`helm rollback of release ${plan.release} to revision ${plan.to.revision} failed`, error);
    }
  }
  const after = await helm.value.history(plan.namespace, plan.release).catch(() => undefined);
  const made = after?.[after.length - 1]?.revision;
  const now = target.kind === 'Deployment' ? await ctx.cluster.getDeployment(target.namespace, target.app) : undefined;
  const shown = (list: readonly string[]) => (list.length > 0 ? ` (${list.join(', ')})` : '');
  const what = `${write ? '' : CONTINUED}rolled Helm release ${plan.release} back from revision ${plan.from.revision}${shown(plan.from.images)} to revision ${plan.to.revision}${shown(images(now))}${made !== undefined ? `: new revision ${made}` : ''}`;
  if (input.immediate) return { ok: true, message: `${what}; the rollout continues in the cluster` };
  return { ok: true, message: now ? `${what}; ${rolloutStatus(now).message}` : what };
}

/**
 * The revision to go back to: the one asked for; else, undoing this tool's unfinished deploy, the one
 * it started from; else the one before the latest, as `helm rollback <release> 0` chooses.
 */
function defaultTarget(run: HelmRollbackRun, input: HelmRollbackInput, latest: HelmRevision): number | Failed {
  if (input.toRevision !== undefined) return input.toRevision;
  const open = openDeploy(run);
  if (open && latest.revision > open.fromRevision) return open.fromRevision;
  if (latest.revision <= 1) return { ...failed(`Helm release has only revision ${latest.revision}: there is nothing before it to roll back to.`), failure: 'state' };
  return latest.revision - 1;
}

/** The target's unfinished Helm deploy, if the rollback follows one. */
const openDeploy = (run: HelmRollbackRun) => (run.last && run.last.finishedAt === undefined ? run.last.helm : undefined);

export interface HelmHistoryEntry extends HelmRevision {
  /** The revision that runs now: the latest deployed one. */
  readonly current: boolean;
}

export interface HelmHistory {
  readonly release: string;
  readonly namespace: string;
  /** The latest revision's chart, name-version. */
  readonly chart: string;
  /** Newest first, the latest 20 (as `helm history --max 20`). */
  readonly revisions: readonly HelmHistoryEntry[];
}

/** The target's Helm release and its revisions; undefined when the target is no Helm release. */
export async function helmHistory(ctx: DeployContext): Promise<Result<HelmHistory> | undefined> {
  const found = await detectedRelease(ctx);
  if (!found?.ok) return found;
  const { which, history } = found.value;
  const current = [...history].reverse().find((r) => r.status === 'deployed')?.revision;
  const revisions = [...history].reverse().map((r) => ({ ...r, current: r.revision === current }));
  return succeeded({ release: which.release, namespace: which.namespace, chart: revisions[0]?.chart ?? '', revisions });
}
