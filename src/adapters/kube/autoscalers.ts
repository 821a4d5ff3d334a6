// The AutoscalerCluster port on @kubernetes/client-node: HorizontalPodAutoscalers (autoscaling/v2),
// translated to plain views. Decides nothing.

import type { KubeConfig } from '@kubernetes/client-node';
import type { AutoscalerCluster } from '../../core/deploy/autoscaler-ports';

export class ClientNodeAutoscalers implements AutoscalerCluster {
  constructor(readonly kc: KubeConfig) {}
}
