// What the Argo Rollouts capability needs from a cluster: Rollouts, the ReplicaSets and AnalysisRuns
// they own, and the Deployment a Rollout's workloadRef names, as plain JSON objects. The adapter
// translates only: the engine decides which patch goes where (patches.ts mirrors the plugin's).

import type { WriteOptions } from '../deploy/ports';

/** An API object as JSON: the engine reads it (model.ts) and, for a set image, writes it back whole. */
export type KubeObject = Readonly<Record<string, unknown>>;

/** What a Rollout's workloadRef may name that this tool writes (a PodTemplate reference is refused). */
export type ReferencedKind = 'Deployment' | 'ReplicaSet';

export interface RolloutPatch {
  /** merge: application/merge-patch+json; json: application/json-patch+json (undo). */
  readonly type: 'merge' | 'json';
  readonly body: unknown;
  /** The status subresource (promote, abort, retry); a 404 there means an old CRD without it. */
  readonly subresource?: 'status';
}

export interface RolloutCluster {
  /** Undefined when absent, or when the Rollout CRD is not installed. */
  getRollout(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** Every Rollout in the namespace; empty when the CRD is not installed. */
  listRollouts(namespace: string): Promise<KubeObject[]>;
  /** A PUT of the whole object (kubectl argo rollouts set image): a ClusterRefusal 409 when it changed since read. */
  replaceRollout(namespace: string, rollout: KubeObject, options: WriteOptions): Promise<KubeObject>;
  patchRollout(namespace: string, name: string, patch: RolloutPatch, options: WriteOptions): Promise<KubeObject>;
  /** The ReplicaSets whose ownerReferences name this Rollout (by uid). */
  replicaSets(namespace: string, rolloutUid: string): Promise<KubeObject[]>;
  /** The AnalysisRuns whose ownerReferences name this Rollout (by uid); empty when the CRD is not installed. */
  analysisRuns(namespace: string, rolloutUid: string): Promise<KubeObject[]>;
  /** The object a workloadRef names (a Deployment, as the API has it). */
  getReferenced(namespace: string, kind: ReferencedKind, name: string): Promise<KubeObject | undefined>;
  replaceReferenced(namespace: string, kind: ReferencedKind, object: KubeObject, options: WriteOptions): Promise<KubeObject>;
  /** A JSON patch on the referenced object (the plugin's undo of a workloadRef Rollout). */
  patchReferenced(namespace: string, kind: ReferencedKind, name: string, patch: RolloutPatch, options: WriteOptions): Promise<KubeObject>;
}
