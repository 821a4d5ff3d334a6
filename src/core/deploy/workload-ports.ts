// What the engine needs from a cluster for StatefulSets and DaemonSets, which roll out in place and
// keep their history in ControllerRevisions (as `kubectl rollout undo` reads it), in plain data.
// The client-node adapter implements it and decides nothing; every write takes `dryRun`.

import type { WorkloadFacts } from '../config/init';
import type { PodTemplate, WriteOptions } from './ports';

/** The workload kinds that are not Deployments: no ReplicaSets, no progressDeadlineSeconds. */
export type InPlaceKind = 'StatefulSet' | 'DaemonSet';

export interface UpdateStrategyView {
  /** RollingUpdate or OnDelete. */
  readonly type: string;
  /** StatefulSet: pods with an ordinal at or above it are updated; the tool never changes it. */
  readonly partition?: number;
  readonly maxUnavailable?: number | string;
}

interface WorkloadBase {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly generation: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly selector: Readonly<Record<string, string>>;
  readonly template: PodTemplate;
  readonly containers: readonly { readonly name: string; readonly image: string }[];
  readonly updateStrategy: UpdateStrategyView;
}

export interface StatefulSetView extends WorkloadBase {
  readonly kind: 'StatefulSet';
  readonly replicas: number;
  /** The fields `kubectl rollout status` reads. */
  readonly status: {
    readonly observedGeneration: number;
    readonly replicas: number;
    readonly readyReplicas: number;
    readonly updatedReplicas: number;
    readonly currentReplicas: number;
    readonly availableReplicas: number;
    /** ControllerRevision names: the template pods move to, and the one the others still run. */
    readonly updateRevision?: string;
    readonly currentRevision?: string;
  };
}

export interface DaemonSetView extends WorkloadBase {
  readonly kind: 'DaemonSet';
  readonly status: {
    readonly observedGeneration: number;
    readonly desiredNumberScheduled: number;
    readonly currentNumberScheduled: number;
    readonly updatedNumberScheduled: number;
    readonly numberReady: number;
    readonly numberAvailable: number;
  };
}

export type WorkloadView = StatefulSetView | DaemonSetView;

/** One ControllerRevision: `data` is the strategic merge patch that restores its pod template. */
export interface ControllerRevisionView {
  readonly name: string;
  readonly revision: number;
  readonly annotations: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, unknown>>;
  /** The pod template inside `data` (without its `$patch` directive). */
  readonly template: PodTemplate;
  readonly images: readonly string[];
  readonly createdAt?: string;
}

/** A pod of a workload, for the forced rollback of a StatefulSet and for saying why a rollout is stuck. */
export interface WorkloadPod {
  readonly name: string;
  /** Its `controller-revision-hash` label. */
  readonly revision?: string;
  readonly ready: boolean;
  /** A waiting container's reason and message (ImagePullBackOff: ...). */
  readonly waiting?: string;
}

export interface WorkloadImageChange {
  readonly images: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly templateAnnotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface WorkloadCluster {
  getWorkload(kind: InPlaceKind, namespace: string, name: string): Promise<WorkloadView | undefined>;
  /** For `init`: the StatefulSets and DaemonSets of a namespace. */
  listWorkloads(namespace: string): Promise<WorkloadFacts[]>;
  /** The ControllerRevisions the workload owns (by uid), oldest revision first. */
  controllerRevisions(workload: WorkloadView): Promise<ControllerRevisionView[]>;
  /** Sets container images (strategic merge by container name), and annotations/labels on the object and template. */
  setImages(kind: InPlaceKind, namespace: string, name: string, change: WorkloadImageChange, options: WriteOptions): Promise<WorkloadView>;
  /**
   * `kubectl rollout undo`: the revision's `data` sent as a strategic merge patch (its template with
   * `$patch: replace`), with `annotations` merged into the object's own.
   */
  restoreRevision(kind: InPlaceKind, namespace: string, name: string, revision: ControllerRevisionView, annotations: Readonly<Record<string, string>>, options: WriteOptions): Promise<WorkloadView>;
  pods(workload: WorkloadView): Promise<WorkloadPod[]>;
  deletePod(namespace: string, name: string): Promise<void>;
}
