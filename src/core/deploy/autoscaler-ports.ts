// What the engine needs from a cluster for HorizontalPodAutoscalers (autoscaling/v2): find the one
// that scales a Deployment, and pin or restore its bounds, in plain data. The client-node adapter
// implements it.

import type { Condition, WriteOptions } from './ports';

export interface AutoscalerView {
  readonly name: string;
  readonly namespace: string;
  /** What it scales (spec.scaleTargetRef). */
  readonly target: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  /** spec.minReplicas; the API's default, 1, when unset. */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** status.currentReplicas and status.desiredReplicas: what it last saw and last asked for (0 before its first sync). */
  readonly currentReplicas: number;
  readonly desiredReplicas: number;
  readonly resourceVersion: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly conditions: readonly Condition[];
}

export interface AutoscalerBounds {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Annotations to set; null removes one. */
  readonly annotations: Readonly<Record<string, string | null>>;
}

export interface AutoscalerCluster {
  /** The HPAs of `namespace` whose scaleTargetRef is the Deployment `deployment` (apps group); more than one is a misconfiguration. */
  autoscalersOf(namespace: string, deployment: string): Promise<AutoscalerView[]>;
  getAutoscaler(namespace: string, name: string): Promise<AutoscalerView | undefined>;
  /**
   * Sets spec.minReplicas, spec.maxReplicas and annotations in one merge patch, at `expected`'s
   * resourceVersion: a ClusterRefusal 409 if the HPA changed since that read.
   */
  setBounds(namespace: string, expected: AutoscalerView, bounds: AutoscalerBounds, options: WriteOptions): Promise<AutoscalerView>;
}
