// What a deploy or rollback keeps in the state store after every step, so a killed process, a closed
// window or a lost connection resumes (deploy --continue) or is rolled back, never left half-done.

import type { CanaryTraffic, DeployStrategy } from '../config/types';
import type { GateVerdict } from './canary-gate';
import type { Colour } from './rollout';

export type DeployStep = 'lock' | 'preflight' | 'update' | 'rollout' | 'canary' | 'smoke' | 'switch' | 'retire' | 'promote' | 'release';

/** The HTTPRoute or VirtualService carrying the canary weights, at the API version the server serves. */
export interface RouteRef {
  readonly kind: 'HTTPRoute' | 'VirtualService';
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly name: string;
}

/** Where a canary stands, saved at every step so a resumed run picks up at the right one. */
export interface CanaryProgress {
  /** The plan, fixed at preflight: a config edit does not change a canary already running. */
  readonly steps: readonly number[];
  readonly traffic: CanaryTraffic;
  readonly pauseMs: number;
  readonly route?: RouteRef;
  /** canary.baseline: deployment: the Deployment beside the canary that metrics compare it with (scaled to 0 when it ends). */
  readonly baseline?: string;
  /** The step being run or last passed (0-based); -1 before the first. */
  readonly index: number;
  /** The canary's share of traffic now (for `shifting`, the share being set). */
  readonly weight: number;
  readonly phase: 'ready' | 'shifting' | 'paused' | 'passed' | 'promoting' | 'promoted';
  /** When the pause of the current step began: a resumed run pauses only for what is left. */
  readonly pausedAt?: string;
  /** promoteCanary asked to skip the remaining steps. */
  readonly promote?: boolean;
  readonly replicas?: { readonly stable: number; readonly canary: number; readonly baseline?: number };
  /** The last gate verdict, with its numbers. */
  readonly verdict?: GateVerdict;
  /** Every step's verdict in order (a resumed step judged again appears twice), for the panel. */
  readonly verdicts?: readonly StepVerdict[];
}

export interface StepVerdict {
  /** 1-based. */
  readonly step: number;
  readonly weight: number;
  readonly gate: string;
  readonly at: string;
  readonly verdict: GateVerdict;
}

/**
 * A GitOps object whose auto-sync was paused for this operation (core/gitops): restored at once when
 * the operation rolls back or is refused, else its restore is pending (gitops restore, incident resolve).
 */
export interface GitOpsPaused {
  readonly controller: 'argocd' | 'flux';
  readonly kind: 'Application' | 'Kustomization' | 'HelmRelease';
  readonly namespace: string;
  readonly name: string;
  /** `Argo CD Application argocd/web`. */
  readonly label: string;
  /** The policy before the pause, as JSON (also on the object, which is the source of truth). */
  readonly previous: string;
  readonly restoredAt?: string;
}

export interface DeployMeta {
  readonly gitSha?: string;
  readonly branch?: string;
  readonly incident?: string;
  readonly gitopsPaused?: readonly GitOpsPaused[];
}

export interface DeployState {
  readonly version: 1;
  readonly id: string;
  readonly target: string;
  readonly strategy: DeployStrategy;
  readonly context: string;
  readonly namespace: string;
  readonly image: string;
  readonly startedAt: string;
  readonly actor: string;
  readonly meta: DeployMeta;
  /** The Deployment this operation writes: the app (rolling, canary: stable) or the idle colour (blue-green). */
  readonly deployment?: string;
  readonly container?: string;
  /** How the target was before, so a failure can put it back. */
  readonly before?: {
    readonly revision?: number;
    readonly images: Readonly<Record<string, string>>;
    readonly availableReplicas: number;
    readonly liveColour?: Colour;
    readonly selector?: Readonly<Record<string, string>>;
    readonly idleReplicas?: number;
    /** Stable's replicas (canary): the total the traffic steps divide, restored on abort. */
    readonly replicas?: number;
    /** A StatefulSet's or DaemonSet's ControllerRevision: by name, which stays when an undo renumbers it. */
    readonly controllerRevision?: string;
    /**
     * The HorizontalPodAutoscalers of the Deployments this deploy scales, with their bounds before it
     * pinned them (autoscaler-pin.ts); the same bounds are on each HPA, which wins if the two disagree.
     */
    readonly autoscalers?: readonly { readonly name: string; readonly deployment: string; readonly minReplicas: number; readonly maxReplicas: number }[];
  };
  readonly canary?: CanaryProgress;
  /** How a StatefulSet's or DaemonSet's rollout ended, in kubectl's words (a partition says so), for the final message. */
  readonly rollout?: string;
  readonly plan: readonly DeployStep[];
  readonly done: readonly DeployStep[];
  readonly stopped?: { readonly step: DeployStep; readonly reason: string; readonly at: string };
  readonly finishedAt?: string;
  readonly outcome?: 'deployed' | 'rolled-back' | 'failed';
  readonly rolledBack?: string;
  /** Blue-green: when the old colour was scaled down (it is kept for an instant rollback until then). */
  readonly retiredAt?: string;
  /** Set when the target is a Helm release: the deploy upgrades it, a failure rolls it back (helm.ts). */
  readonly helm?: HelmDeployRef;
}

export interface HelmDeployRef {
  readonly release: string;
  readonly namespace: string;
  /** The revision deployed before: a failure rolls back to it. */
  readonly fromRevision: number;
  /** The revision the upgrade made, once it landed. */
  readonly toRevision?: number;
}

export function deployKey(target: string): string {
  return `deploys/${target}`;
}

/** `retireOld`: scale the old blue-green colour down at once (keepOldFor: 0) rather than keep it for a rollback. */
/** A Helm release: the upgrade waits for the rollout itself (helm --wait), so there is no rollout step. */
export function helmPlan(smoke: boolean): DeployStep[] {
  return ['lock', 'preflight', 'update', ...(smoke ? (['smoke'] as const) : []), 'release'];
}

export function planFor(strategy: DeployStrategy, smoke: boolean, retireOld = false): DeployStep[] {
  if (strategy === 'canary') return ['lock', 'preflight', 'update', 'canary', ...(smoke ? (['smoke'] as const) : []), 'promote', 'release'];
  const steps: DeployStep[] = ['lock', 'preflight', 'update', 'rollout'];
  if (smoke) steps.push('smoke');
  if (strategy === 'blue-green') steps.push('switch', ...(retireOld ? (['retire'] as const) : []));
  steps.push('release');
  return steps;
}
