// Pausing and restoring a GitOps controller's auto-sync on the object itself: a server-side dry-run
// first, then the write as a compare-and-swap (a change meanwhile is read again, never overwritten);
// every pause and restore is audited with the object, its previous policy, the incident and operation.

import { record, type DeployContext } from '../deploy/context';
import { isRefusal, type CustomObjectView, type CustomResource } from '../deploy/ports';
import { resourceFor, type GitOpsController, type GitOpsKind } from './detect';
import { planPause, planRestore, type PauseMark } from './marks';

/** What a pause or restore acts on: enough to read the object again (the DeployState keeps it). */
export interface GitOpsObjectRef {
  readonly controller: GitOpsController;
  readonly kind: GitOpsKind;
  readonly namespace: string;
  readonly name: string;
  /** `Argo CD Application argocd/web`. */
  readonly label: string;
}

export type PauseOutcome =
  | { readonly kind: 'paused'; readonly previous: string }
  | { readonly kind: 'already-paused'; readonly mark: PauseMark }
  | { readonly kind: 'not-syncing' }
  | { readonly kind: 'failed'; readonly reason: string };

export type RestoreOutcome =
  | { readonly kind: 'restored'; readonly previous: string; readonly mark: PauseMark }
  | { readonly kind: 'changed-meanwhile'; readonly now: string; readonly mark: PauseMark }
  | { readonly kind: 'not-paused' }
  | { readonly kind: 'failed'; readonly reason: string };

const ATTEMPTS = 3;
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function locate(ctx: DeployContext, ref: GitOpsObjectRef): Promise<{ resource: CustomResource; object: CustomObjectView } | string> {
  const resource = await resourceFor(ctx.cluster, ref.kind);
  if (!resource) return `${ref.label}: the cluster does not serve ${ref.kind} (is ${ref.controller === 'argocd' ? 'Argo CD' : 'Flux'} installed?)`;
  const object = await ctx.cluster.getCustomObject(ref.namespace, ref.name, resource);
  return object ? { resource, object } : `${ref.label} was not found`;
}

/** A dry-run, then the write; a 409 (changed since read) is read and planned again. */
async function write<P>(
  ctx: DeployContext,
  ref: GitOpsObjectRef,
  plan: (object: CustomObjectView) => { patch?: Readonly<Record<string, unknown>>; done: P },
): Promise<P | { kind: 'failed'; reason: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const found = await locate(ctx, ref);
      if (typeof found === 'string') return { kind: 'failed', reason: found };
      const next = plan(found.object);
      if (!next.patch) return next.done;
      await ctx.cluster.patchCustomObject(ref.namespace, ref.name, found.resource, next.patch, { dryRun: true });
      await ctx.cluster.patchCustomObject(ref.namespace, ref.name, found.resource, next.patch, { dryRun: false });
      return next.done;
    } catch (error) {
      if (isRefusal(error, 409) && attempt < ATTEMPTS) continue;
      return { kind: 'failed', reason: `${ref.label}: ${message(error)}` };
    }
  }
}

export async function pauseAutoSync(ctx: DeployContext, ref: GitOpsObjectRef, input: { readonly incident?: string; readonly operation?: string } = {}): Promise<PauseOutcome> {
  const at = ctx.clock.now().toISOString();
  const outcome = await write<PauseOutcome>(ctx, ref, (object) => {
    const plan = planPause(ref.controller, object, { actor: ctx.actor, at, ...input });
    if (plan.kind === 'pause') return { patch: plan.patch, done: { kind: 'paused', previous: plan.previous } };
    return { done: plan };
  });
  if (outcome.kind === 'paused') {
    ctx.progress?.(`Paused auto-sync of ${ref.label} (was ${outcome.previous})`);
    await record(ctx, 'gitops.pause', { object: ref.label, previous: outcome.previous, incident: input.incident ?? '', operation: input.operation ?? '' });
  }
  return outcome;
}

export async function restoreAutoSync(ctx: DeployContext, ref: GitOpsObjectRef, reason: string): Promise<RestoreOutcome> {
  const outcome = await write<RestoreOutcome>(ctx, ref, (object) => {
    const plan = planRestore(ref.controller, object);
    switch (plan.kind) {
      case 'restore':
        return { patch: plan.patch, done: { kind: 'restored', previous: plan.mark.previous, mark: plan.mark } };
      case 'changed-meanwhile':
        return { patch: plan.patch, done: { kind: 'changed-meanwhile', now: plan.now, mark: plan.mark } };
      case 'unreadable':
        return { done: { kind: 'failed', reason: `${ref.label}: ${plan.reason}; restore it by hand` } };
      default:
        return { done: { kind: 'not-paused' } };
    }
  });
  if (outcome.kind === 'restored' || outcome.kind === 'changed-meanwhile') {
    const details = {
      object: ref.label,
      previous: outcome.mark.previous,
      incident: outcome.mark.incident ?? '',
      operation: outcome.mark.operation ?? '',
      reason,
      ...(outcome.kind === 'changed-meanwhile' ? { keptTheirs: outcome.now } : {}),
    };
    await record(ctx, 'gitops.restore', details);
    ctx.progress?.(
      outcome.kind === 'restored'
        ? `Restored auto-sync of ${ref.label} to ${outcome.previous}`
        : `Auto-sync of ${ref.label} was turned back on meanwhile (${outcome.now}); left as it is`,
    );
  }
  return outcome;
}
