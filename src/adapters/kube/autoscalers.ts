// The AutoscalerCluster port on the Kubernetes API (KubeRest): HorizontalPodAutoscalers
// (autoscaling/v2), translated to plain views. Decides nothing.

import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { AutoscalerBounds, AutoscalerCluster, AutoscalerView } from '../../core/deploy/autoscaler-ports';
import type { WriteOptions } from '../../core/deploy/ports';
import { dryRunOf, resourcePath, type KubeList, type KubeRest } from './rest';

const autoscalers = (namespace: string, name?: string) => resourcePath('autoscaling/v2', 'horizontalpodautoscalers', { namespace, ...(name !== undefined ? { name } : {}) });

export class ClientNodeAutoscalers implements AutoscalerCluster {
  constructor(private readonly rest: KubeRest) {}

  async autoscalersOf(namespace: string, deployment: string): Promise<AutoscalerView[]> {
    const list = await this.rest.call<KubeList<V2HorizontalPodAutoscaler>>(`horizontalpodautoscalers in ${namespace}`, autoscalers(namespace));
    return list.items
      .filter((h) => h.spec?.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === deployment && (h.spec.scaleTargetRef.apiVersion ?? '').split('/')[0] === 'apps')
      .map(autoscalerView)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async getAutoscaler(namespace: string, name: string): Promise<AutoscalerView | undefined> {
    const h = await this.rest.read<V2HorizontalPodAutoscaler>(`horizontalpodautoscaler ${namespace}/${name}`, autoscalers(namespace, name));
    return h ? autoscalerView(h) : undefined;
  }

  async setBounds(namespace: string, expected: AutoscalerView, bounds: AutoscalerBounds, options: WriteOptions): Promise<AutoscalerView> {
    const body = {
      metadata: { resourceVersion: expected.resourceVersion, annotations: bounds.annotations },
      spec: { minReplicas: bounds.minReplicas, maxReplicas: bounds.maxReplicas },
    };
    const name = expected.name;
    return autoscalerView(
      await this.rest.call<V2HorizontalPodAutoscaler>(`set the bounds of horizontalpodautoscaler ${namespace}/${name}`, autoscalers(namespace, name), { patch: 'merge', body, ...dryRunOf(options) }),
    );
  }
}

function autoscalerView(h: V2HorizontalPodAutoscaler): AutoscalerView {
  const ref = h.spec?.scaleTargetRef;
  return {
    name: h.metadata?.name ?? '',
    namespace: h.metadata?.namespace ?? '',
    target: { apiVersion: ref?.apiVersion ?? '', kind: ref?.kind ?? '', name: ref?.name ?? '' },
    minReplicas: h.spec?.minReplicas ?? 1,
    maxReplicas: h.spec?.maxReplicas ?? 0,
    currentReplicas: h.status?.currentReplicas ?? 0,
    desiredReplicas: h.status?.desiredReplicas ?? 0,
    resourceVersion: h.metadata?.resourceVersion ?? '',
    annotations: h.metadata?.annotations ?? {},
    conditions: (h.status?.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      ...(c.reason !== undefined ? { reason: c.reason } : {}),
      ...(c.message !== undefined ? { message: c.message } : {}),
    })),
  };
}
