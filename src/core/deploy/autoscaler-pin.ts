// Pinning an HPA's bounds for the length of a deploy, and restoring them. The original bounds go on
// the HPA itself (annotations, written in the same patch as the pin) as well as in the deploy's
// state, so a crash, an abort or a rollback from another process restores them; when the two
// disagree the HPA's annotation wins, as it was written with the pin. A second pin keeps the first
// one's original bounds, so a pin left by a crashed operation is never taken for the HPA's own.
// Every write is a compare-and-swap on the HPA's resourceVersion: the HPA controller writes its
// status all the time, and a concurrent edit of its spec must not be overwritten.

import { isRefusal, type WriteOptions } from './ports';
import type { AutoscalerView } from './autoscaler-ports';
import { atLeast, BOUNDS_BEFORE, exactly, findAutoscaler, originalBounds, PINNED_BY, PINNED_FOR, pinOf, sameBounds, showBounds, type Bounds } from './autoscaler';
import { failed, succeeded, type Result } from '../result';
import type { DeployContext } from './context';
import { plannedReplicas } from './canary-plan';
import type { DeployState } from './state';

export type SavedAutoscaler = NonNullable<NonNullable<DeployState['before']>['autoscalers']>[number];

/** What a pin wants, from the HPA's original bounds: undefined when the original already allows what the deploy needs. */
export type Want = (original: Bounds) => Bounds | undefined;

const ATTEMPTS = 3;

/** For the state: the HPA of each of `deployments` with its original bounds (refused when several scale one). */
export async function autoscalersBefore(ctx: DeployContext, deployments: readonly string[]): Promise<Result<{ saved: SavedAutoscaler[]; found: Map<string, AutoscalerView> }>> {
  const saved: SavedAutoscaler[] = [];
  const found = new Map<string, AutoscalerView>();
  for (const deployment of deployments) {
    const hpa = await findAutoscaler(ctx, deployment);
    if (!hpa.ok) return hpa;
    if (!hpa.value) continue;
    found.set(deployment, hpa.value);
    saved.push({ name: hpa.value.name, deployment, ...originalBounds(hpa.value) });
  }
  return succeeded({ saved, found });
}

/**
 * The HPA of `deployment` as it is now. The state's list, made at preflight, says which one (and that
 * there is none: then no call); a state from before autoscalers were recorded has the cluster asked.
 */
export async function currentAutoscaler(ctx: DeployContext, state: DeployState | undefined, deployment: string): Promise<AutoscalerView | undefined> {
  const list = state?.before?.autoscalers;
  const saved = list?.find((a) => a.deployment === deployment);
  if (list && !saved) return undefined;
  if (saved) {
    const hpa = await ctx.cluster.autoscalers.getAutoscaler(ctx.target.namespace, saved.name);
    if (hpa) return hpa;
  }
  const found = await findAutoscaler(ctx, deployment);
  return found.ok ? found.value : undefined;
}

/**
 * Sets the HPA to what `want` asks of its original bounds, keeping those on it; no write when it is
 * already so (a resumed step). With dryRun, the server checks the write (RBAC, validation) even then.
 * Returns the bounds it holds now, or undefined when no pin was needed.
 */
export async function pinAutoscaler(ctx: DeployContext, initial: AutoscalerView, want: Want, pin: { readonly operation: string; readonly reason: string }, options: WriteOptions): Promise<Bounds | undefined> {
  const { cluster, target } = ctx;
  let hpa: AutoscalerView | undefined = initial;
  for (let attempt = 1; hpa; attempt++) {
    const original = originalBounds(hpa);
    const bounds = want(original);
    if (!bounds) return undefined;
    if (!options.dryRun && sameBounds(hpa, bounds) && pinOf(hpa)?.by === pin.operation) return bounds;
    if (!options.dryRun) ctx.progress?.(`Pinning HorizontalPodAutoscaler ${hpa.name} to ${showBounds(bounds)} (its own: ${showBounds(original)}) ${pin.reason}`);
    const annotations = { [PINNED_BY]: pin.operation, [BOUNDS_BEFORE]: JSON.stringify(original), [PINNED_FOR]: pin.reason };
    try {
      await cluster.autoscalers.setBounds(target.namespace, hpa, { ...bounds, annotations }, options);
      return bounds;
    } catch (error) {
      // The HPA changed between our read and write (its controller, or a person): read it again.
      if (!isRefusal(error, 409) || attempt >= ATTEMPTS) throw error;
      hpa = await cluster.autoscalers.getAutoscaler(target.namespace, hpa.name);
    }
  }
  return undefined;
}

/** Puts back the bounds the HPA's pin annotation records and removes the annotations; what it did, or undefined when it was not pinned. Idempotent. */
export async function restoreAutoscaler(ctx: DeployContext, initial: AutoscalerView): Promise<string | undefined> {
  const { cluster, target } = ctx;
  let hpa: AutoscalerView | undefined = initial;
  for (let attempt = 1; hpa; attempt++) {
    const pin = pinOf(hpa);
    if (!pin) return undefined;
    ctx.progress?.(`Restoring HorizontalPodAutoscaler ${hpa.name} to ${showBounds(pin.before)}`);
    const annotations = { [PINNED_BY]: null, [BOUNDS_BEFORE]: null, [PINNED_FOR]: null };
    try {
      await cluster.autoscalers.setBounds(target.namespace, hpa, { ...pin.before, annotations }, { dryRun: false });
      return `HorizontalPodAutoscaler ${hpa.name} back to ${showBounds(pin.before)}`;
    } catch (error) {
      if (!isRefusal(error, 409) || attempt >= ATTEMPTS) throw error;
      hpa = await cluster.autoscalers.getAutoscaler(target.namespace, hpa.name);
    }
  }
  return undefined;
}

/** Restores the HPAs of `deployments` that carry a pin; what it did, one entry per HPA restored. */
export async function restoreAutoscalers(ctx: DeployContext, state: DeployState | undefined, deployments: readonly string[]): Promise<string[]> {
  const did: string[] = [];
  for (const deployment of deployments) {
    const hpa = await currentAutoscaler(ctx, state, deployment);
    const restored = hpa ? await restoreAutoscaler(ctx, hpa) : undefined;
    if (restored) did.push(restored);
  }
  return did;
}

/** The pinned ones of `hpas` back to their own bounds; what it did, for the message. */
export async function freeAutoscalers(ctx: DeployContext, hpas: readonly AutoscalerView[]): Promise<string[]> {
  const did: string[] = [];
  for (const hpa of hpas) {
    const restored = pinOf(hpa) ? await restoreAutoscaler(ctx, hpa) : undefined;
    if (restored) did.push(restored);
  }
  return did;
}

/**
 * Holds stable's HPA to a canary's split. Replicas mode: exactly stable's planned replicas, set before
 * stable is scaled to them (the HPA enforces min and max even without metrics, and would scale it
 * back). Mesh modes: stable stays whole while traffic is away, so its minimum is the total.
 */
export async function pinForCanary(ctx: DeployContext, state: DeployState, weight: number, options: WriteOptions): Promise<Result<Bounds | undefined>> {
  const progress = state.canary;
  const total = state.before?.replicas;
  if (!progress || total === undefined) return failed('The canary was not prepared (no preflight state).');
  const hpa = await currentAutoscaler(ctx, state, ctx.target.app);
  if (!hpa) return succeeded(undefined);
  const stable = plannedReplicas(progress.traffic, total, weight).stable;
  const want: Want = progress.traffic === 'replicas' ? () => exactly(stable) : (original) => atLeast(original, total);
  const reason = progress.traffic === 'replicas' ? `for the canary of ${state.image}: ${ctx.target.app} runs ${stable} of its ${total} replicas` : `for the canary of ${state.image}: ${ctx.target.app} keeps its ${total} replicas`;
  return succeeded(await pinAutoscaler(ctx, hpa, want, { operation: state.id, reason }, options));
}

/** What a blue-green colour needs of its HPA to keep `replicas`: nothing when its own bounds allow them. */
const keeps = (replicas: number): Want => (original) => (original.minReplicas >= replicas && original.maxReplicas >= replicas ? undefined : atLeast(original, replicas));

/**
 * Holds a blue-green colour at `replicas` or more: the idle one until the switch (it has no traffic,
 * so its HPA would shrink it to its minimum), the old one until it is retired (so an instant rollback
 * never lands on a colour its HPA has scaled down). `state` names the HPAs seen at preflight; without
 * it the cluster is asked.
 */
export async function pinColour(ctx: DeployContext, state: DeployState | undefined, operation: string, deployment: string, replicas: number, why: string, options: WriteOptions): Promise<Bounds | undefined> {
  const hpa = await currentAutoscaler(ctx, state, deployment);
  if (!hpa || replicas < 1) return undefined;
  return pinAutoscaler(ctx, hpa, keeps(replicas), { operation, reason: `so ${deployment} keeps ${replicas} replicas ${why}` }, options);
}

/** Blue-green preflight: both colours' HPAs for the state, and the server's check (dry-run) of the pins the deploy will set. */
export async function preflightColours(ctx: DeployContext, state: DeployState, idle: string, live: { readonly name: string; readonly replicas: number }): Promise<Result<SavedAutoscaler[]>> {
  const hpas = await autoscalersBefore(ctx, [idle, live.name]);
  if (!hpas.ok) return hpas;
  for (const [deployment, hpa] of hpas.value.found) {
    const bounds = originalBounds(hpa);
    const pinned = await pinAutoscaler(ctx, hpa, keeps(live.replicas), { operation: state.id, reason: 'dry run' }, { dryRun: true });
    if (pinned) {
      const when = deployment === idle ? 'until the switch' : 'after the switch, until it is retired';
      ctx.progress?.(`${deployment} is scaled by HorizontalPodAutoscaler ${hpa.name} (${showBounds(bounds)}): it is held at ${showBounds(pinned)} ${when}, then restored`);
    }
  }
  return succeeded(hpas.value.saved);
}

/** Both colours' HPAs back to their own bounds (a failed blue-green deploy); what it did. */
export function restoreColours(ctx: DeployContext, state: DeployState | undefined): Promise<string[]> {
  return restoreAutoscalers(ctx, state, [`${ctx.target.app}-blue`, `${ctx.target.app}-green`]);
}
