// What the engine needs from a cluster for StatefulSets and DaemonSets, which roll out in place and
// keep their history in ControllerRevisions (as `kubectl rollout undo` reads it), in plain data.
// Filled in by the StatefulSet/DaemonSet capability; the client-node adapter implements it.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface WorkloadCluster {}
