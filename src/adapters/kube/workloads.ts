// The WorkloadCluster port on @kubernetes/client-node: StatefulSets, DaemonSets and their
// ControllerRevisions, translated to plain views. Decides nothing.

import type { KubeConfig } from '@kubernetes/client-node';
import type { WorkloadCluster } from '../../core/deploy/workload-ports';

export class ClientNodeWorkloads implements WorkloadCluster {
  constructor(readonly kc: KubeConfig) {}
}
