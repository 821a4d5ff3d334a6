// What the deploy engine needs from a cluster: a handful of reads and writes on Deployments,
// ReplicaSets, Services, Leases and the custom objects that carry canary weights, in plain data.
// The client-node adapter implements it and decides nothing. Every write takes `dryRun`: the engine
// asks the server to check first. StatefulSets, DaemonSets and autoscalers have their own parts
// (workload-ports.ts, autoscaler-ports.ts), reached as properties.

import type { RolloutCluster } from '../rollouts/ports';
import type { AutoscalerCluster } from './autoscaler-ports';
import type { WorkloadCluster } from './workload-ports';

/** A pod template as the API has it; the engine copies it whole (rollout undo) or edits images. */
export type PodTemplate = Readonly<Record<string, unknown>>;

export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

export interface DeploymentView {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly generation: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly replicas: number;
  readonly selector: Readonly<Record<string, string>>;
  readonly template: PodTemplate;
  readonly templateLabels: Readonly<Record<string, string>>;
  readonly containers: readonly { readonly name: string; readonly image: string }[];
  readonly progressDeadlineSeconds?: number;
  /** spec.paused (`kubectl rollout pause`): its controller makes no ReplicaSet for a new template and rolls nothing out. */
  readonly paused?: boolean;
  /** For a compare-and-swap write: it fails (409) if the Deployment changed since this read, its status included. */
  readonly resourceVersion?: string;
  readonly status: {
    readonly observedGeneration: number;
    readonly replicas: number;
    readonly updatedReplicas: number;
    readonly readyReplicas: number;
    readonly availableReplicas: number;
    readonly conditions: readonly Condition[];
  };
}

export interface ReplicaSetView {
  readonly name: string;
  readonly revision: number;
  readonly annotations: Readonly<Record<string, string>>;
  readonly template: PodTemplate;
  readonly images: readonly string[];
  readonly replicas: number;
  readonly createdAt?: string;
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: number | string;
  readonly protocol?: string;
}

export interface ServiceView {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** The Service's own labels (a GitOps controller's instance label, for one). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly ports?: readonly ServicePort[];
  /** For a compare-and-swap write: it fails (409) if the Service changed since this read. */
  readonly resourceVersion?: string;
}

/** A kind of custom object (HTTPRoute, VirtualService) at one API version. */
export interface CustomResource {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
}

export interface CustomObjectView {
  readonly name: string;
  readonly resourceVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly spec: Readonly<Record<string, unknown>>;
  /** What the object's controller reports (a GitOps object's applied revision); empty when none. */
  readonly status?: Readonly<Record<string, unknown>>;
}

export interface LeaseView {
  readonly name: string;
  readonly holder?: string;
  readonly acquiredAt?: string;
  readonly renewedAt?: string;
  readonly durationSeconds?: number;
  readonly resourceVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface LeaseSpec {
  readonly holder: string;
  readonly durationSeconds: number;
  readonly acquiredAt: Date;
  readonly renewedAt: Date;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** The kube context in use, shown before every write. */
export interface ClusterIdentity {
  readonly context: string;
  readonly server: string;
  readonly user?: string;
}

/** A write the server refused for a reason a person can act on (409 conflict, 422 invalid, 403 forbidden). */
export class ClusterRefusal extends Error {
  override readonly name = 'ClusterRefusal';
  constructor(
    message: string,
    readonly status: number,
    readonly reason?: string,
  ) {
    super(message);
  }
}

/**
 * Whether an error is a ClusterRefusal (with this status). Checked by name, not instanceof: the
 * adapter lives in its own bundle (dist/kube.js) with its own copy of the class.
 */
export function isRefusal(error: unknown, ...statuses: number[]): error is ClusterRefusal {
  return (
    error instanceof Error &&
    error.name === 'ClusterRefusal' &&
    typeof (error as ClusterRefusal).status === 'number' &&
    (statuses.length === 0 || statuses.includes((error as ClusterRefusal).status))
  );
}

export interface WriteOptions {
  readonly dryRun: boolean;
}

/** A rollout undo's write: `resume` also sets spec.paused to false, in the same write. */
export interface TemplateWriteOptions extends WriteOptions {
  readonly resume?: boolean;
}

export interface Cluster {
  readonly identity: ClusterIdentity;
  /** StatefulSets, DaemonSets and their ControllerRevisions. */
  readonly workloads: WorkloadCluster;
  /** HorizontalPodAutoscalers. */
  readonly autoscalers: AutoscalerCluster;
  /** Argo Rollouts, their ReplicaSets and AnalysisRuns. */
  readonly rollouts: RolloutCluster;
  namespaceExists(namespace: string): Promise<boolean>;
  getDeployment(namespace: string, name: string): Promise<DeploymentView | undefined>;
  /** The ReplicaSets the Deployment owns, oldest revision first. */
  replicaSets(deployment: DeploymentView): Promise<ReplicaSetView[]>;
  createDeployment(namespace: string, manifest: Readonly<Record<string, unknown>>, options: WriteOptions): Promise<DeploymentView>;
  /** Sets container images in the pod template, and annotations/labels on the Deployment and template. */
  setImages(
    namespace: string,
    name: string,
    change: {
      readonly images: Readonly<Record<string, string>>;
      readonly annotations: Readonly<Record<string, string>>;
      readonly templateAnnotations?: Readonly<Record<string, string>>;
      readonly labels?: Readonly<Record<string, string>>;
    },
    options: WriteOptions,
  ): Promise<DeploymentView>;
  /**
   * Replaces the pod template and the Deployment's annotations (rollout undo). With `expected` (the
   * Deployment as read) it is a compare-and-swap on its resourceVersion: a ClusterRefusal 409 if it moved.
   */
  replaceTemplate(namespace: string, name: string, template: PodTemplate, annotations: Readonly<Record<string, string>>, options: TemplateWriteOptions, expected?: Pick<DeploymentView, 'resourceVersion'>): Promise<DeploymentView>;
  scale(namespace: string, name: string, replicas: number, options: WriteOptions): Promise<DeploymentView>;
  getService(namespace: string, name: string): Promise<ServiceView | undefined>;
  /**
   * Replaces the Service's selector in one write. With `expected` (the Service as just read) it is a
   * compare-and-swap on its resourceVersion, with no read of its own: a ClusterRefusal 409 if it moved.
   */
  setServiceSelector(
    namespace: string,
    name: string,
    selector: Readonly<Record<string, string>>,
    annotations: Readonly<Record<string, string>>,
    options: WriteOptions,
    expected?: ServiceView,
  ): Promise<ServiceView>;
  createService(namespace: string, manifest: Readonly<Record<string, unknown>>, options: WriteOptions): Promise<ServiceView>;
  /** Which of `candidates` (versions of an API group) the server serves, its preferred one first; undefined when none. */
  servedVersion(group: string, candidates: readonly string[]): Promise<string | undefined>;
  getCustomObject(namespace: string, name: string, resource: CustomResource): Promise<CustomObjectView | undefined>;
  /** A JSON merge patch; with `metadata.resourceVersion` in it, a ClusterRefusal 409 when someone changed the object meanwhile. */
  patchCustomObject(namespace: string, name: string, resource: CustomResource, patch: Readonly<Record<string, unknown>>, options: WriteOptions): Promise<CustomObjectView>;
  getLease(namespace: string, name: string): Promise<LeaseView | undefined>;
  /** Creates the Lease; a ClusterRefusal with status 409 when it exists. */
  createLease(namespace: string, name: string, spec: LeaseSpec): Promise<LeaseView>;
  /** Replaces it only at `resourceVersion`; a ClusterRefusal with status 409 when someone else changed it. */
  replaceLease(namespace: string, name: string, spec: LeaseSpec, resourceVersion: string): Promise<LeaseView>;
  deleteLease(namespace: string, name: string, resourceVersion: string): Promise<void>;
}
