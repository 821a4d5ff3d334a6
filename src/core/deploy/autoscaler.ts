// HorizontalPodAutoscalers as the engine sees them: which HPA scales each Deployment of a target,
// whether this tool has pinned it, and the bounds a pin sets. An HPA enforces its min and max even
// without metrics, so a deploy that scales a Deployment it does not pin has the HPA undo its work;
// the pins themselves are written in autoscaler-pin.ts.

import type { Target } from '../config/targets';
import { failed, succeeded, type Result } from '../result';
import type { DeployContext } from './context';
import type { AutoscalerView } from './autoscaler-ports';

/** The operation that pinned the HPA; present exactly while a pin of this tool is on it. */
export const PINNED_BY = 'hotfix-deployer.io/pinned-by';
/** The HPA's bounds before the first pin, as JSON: the source of truth for the restore. */
export const BOUNDS_BEFORE = 'hotfix-deployer.io/bounds-before';
/** Why, in words, for whoever runs `kubectl describe hpa` meanwhile. */
export const PINNED_FOR = 'hotfix-deployer.io/pinned-for';
/** Every annotation a pin writes: a restore removes them all. */
export const PIN_ANNOTATIONS = [PINNED_BY, BOUNDS_BEFORE, PINNED_FOR] as const;

export interface Bounds {
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

export interface Pin {
  /** The operation id. */
  readonly by: string;
  readonly before: Bounds;
  readonly reason?: string;
}

export const showBounds = (b: Bounds): string => `min ${b.minReplicas}, max ${b.maxReplicas}`;
export const sameBounds = (a: Bounds, b: Bounds): boolean => a.minReplicas === b.minReplicas && a.maxReplicas === b.maxReplicas;

/** The pin this tool left on the HPA, read from its annotations; undefined when there is none (or it is unreadable). */
export function pinOf(hpa: AutoscalerView): Pin | undefined {
  const by = hpa.annotations[PINNED_BY];
  const raw = hpa.annotations[BOUNDS_BEFORE];
  if (by === undefined || raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const b = parsed as Partial<Bounds> | null;
  if (!b || !Number.isInteger(b.minReplicas) || !Number.isInteger(b.maxReplicas)) return undefined;
  const reason = hpa.annotations[PINNED_FOR];
  return { by, before: { minReplicas: b.minReplicas ?? 1, maxReplicas: b.maxReplicas ?? 1 }, ...(reason !== undefined ? { reason } : {}) };
}

/** The HPA's own bounds: those before any pin of this tool (the annotation), else its spec. */
export function originalBounds(hpa: AutoscalerView): Bounds {
  return pinOf(hpa)?.before ?? { minReplicas: hpa.minReplicas, maxReplicas: hpa.maxReplicas };
}

/**
 * Bounds that hold a Deployment at exactly `replicas` (a replica canary's stable at a step). The API
 * refuses a minimum of 0, so stable at 0 is held with 1/1: an HPA leaves a target at 0 replicas alone.
 */
export function exactly(replicas: number): Bounds {
  const n = Math.max(1, replicas);
  return { minReplicas: n, maxReplicas: n };
}

/** Bounds that let the HPA scale up but not below `replicas`; the maximum is raised only if it is lower. */
export function atLeast(original: Bounds, replicas: number): Bounds {
  const n = Math.max(1, replicas);
  return { minReplicas: Math.max(original.minReplicas, n), maxReplicas: Math.max(original.maxReplicas, n) };
}

/** The HPA scaling Deployment `deployment`, or undefined; refused when several do (the HPA controller then acts on none). */
export async function findAutoscaler(ctx: DeployContext, deployment: string): Promise<Result<AutoscalerView | undefined>> {
  const found = await ctx.cluster.autoscalers.autoscalersOf(ctx.target.namespace, deployment);
  if (found.length > 1) {
    return failed(
      `Deployment ${ctx.target.namespace}/${deployment} is the scale target of ${found.length} HorizontalPodAutoscalers (${found.map((h) => h.name).join(', ')}); they would fight each other and the deploy.`,
      `Delete all but one of them, then deploy again.`,
    );
  }
  return succeeded(found[0]);
}

/** The Deployments of a target that an HPA may scale: the app, or both colours. The canary is the tool's own, never autoscaled. */
export function autoscaledDeployments(target: Target): string[] {
  return target.strategy === 'blue-green' ? [`${target.app}-blue`, `${target.app}-green`] : [target.app];
}

export interface AutoscalerInfo {
  readonly deployment: string;
  /** The HPA's name; undefined when no HPA scales the Deployment. */
  readonly name?: string;
  readonly minReplicas?: number;
  readonly maxReplicas?: number;
  readonly currentReplicas?: number;
  readonly desiredReplicas?: number;
  /** Set while this tool holds the HPA's bounds for an operation: whose, and the bounds it restores. */
  readonly pinned?: Pin;
  /** Several HPAs scale it (the HPA controller then acts on none): their names. */
  readonly ambiguous?: readonly string[];
}

export function autoscalerInfo(deployment: string, hpas: readonly AutoscalerView[]): AutoscalerInfo {
  const [hpa, ...others] = hpas;
  if (!hpa) return { deployment };
  const pinned = pinOf(hpa);
  return {
    deployment,
    name: hpa.name,
    minReplicas: hpa.minReplicas,
    maxReplicas: hpa.maxReplicas,
    currentReplicas: hpa.currentReplicas,
    desiredReplicas: hpa.desiredReplicas,
    ...(pinned ? { pinned } : {}),
    ...(others.length > 0 ? { ambiguous: hpas.map((h) => h.name) } : {}),
  };
}

/** For the Deployments view: the HPA of each of the target's Deployments (default: those an HPA may scale), pins included. */
export async function describeAutoscalers(ctx: DeployContext, deployments: readonly string[] = autoscaledDeployments(ctx.target)): Promise<AutoscalerInfo[]> {
  return Promise.all(deployments.map(async (d) => autoscalerInfo(d, await ctx.cluster.autoscalers.autoscalersOf(ctx.target.namespace, d))));
}

/** An HPA in words, for the targets list and the Deployments view: its bounds, replicas, and any pin of this tool. */
export function autoscalerLine(a: AutoscalerInfo): string {
  const pin = a.pinned ? `; held for operation ${a.pinned.by} (its own bounds: ${showBounds(a.pinned.before)})` : '';
  const several = a.ambiguous ? `; ${a.ambiguous.length} HPAs scale it (${a.ambiguous.join(', ')}), so none acts` : '';
  return `HPA ${a.name ?? ''} scales ${a.deployment}: min ${a.minReplicas ?? '?'}, max ${a.maxReplicas ?? '?'}, current ${a.currentReplicas ?? '?'}, desired ${a.desiredReplicas ?? '?'}${pin}${several}`;
}
