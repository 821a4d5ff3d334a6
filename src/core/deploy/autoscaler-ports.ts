// What the engine needs from a cluster for HorizontalPodAutoscalers (autoscaling/v2): find the one
// that scales a Deployment, and pin or restore its bounds, in plain data. The client-node adapter
// implements it.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AutoscalerCluster {}
