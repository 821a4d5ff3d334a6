// The AutoscalerCluster port on @kubernetes/client-node: HorizontalPodAutoscalers (autoscaling/v2),
// translated to plain views. Decides nothing.

import { AutoscalingV2Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { AutoscalerBounds, AutoscalerCluster, AutoscalerView } from '../../core/deploy/autoscaler-ports';
import type { WriteOptions } from '../../core/deploy/ports';
import { apiCall as call, apiRead as read } from './api-call';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export class ClientNodeAutoscalers implements AutoscalerCluster {
  private api: AutoscalingV2Api | undefined;

  constructor(readonly kc: KubeConfig) {}

  // Made on first use: most deploys never touch an autoscaler API.
  private get v2(): AutoscalingV2Api {
    this.api ??= this.kc.makeApiClient(AutoscalingV2Api);
    return this.api;
  }

  async autoscalersOf(namespace: string, deployment: string): Promise<AutoscalerView[]> {
    const list = await call(`horizontalpodautoscalers in ${namespace}`, () => this.v2.listNamespacedHorizontalPodAutoscaler({ namespace }));
    return list.items
      .filter((h) => h.spec?.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === deployment && (h.spec.scaleTargetRef.apiVersion ?? '').split('/')[0] === 'apps')
      .map(autoscalerView)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async getAutoscaler(namespace: string, name: string): Promise<AutoscalerView | undefined> {
    const h = await read(`horizontalpodautoscaler ${namespace}/${name}`, () => this.v2.readNamespacedHorizontalPodAutoscaler({ name, namespace }));
    return h ? autoscalerView(h) : undefined;
  }

  async setBounds(namespace: string, expected: AutoscalerView, bounds: AutoscalerBounds, options: WriteOptions): Promise<AutoscalerView> {
    const body = {
      metadata: { resourceVersion: expected.resourceVersion, annotations: bounds.annotations },
      spec: { minReplicas: bounds.minReplicas, maxReplicas: bounds.maxReplicas },
    };
    const name = expected.name;
    return autoscalerView(
      await call(`set the bounds of horizontalpodautoscaler ${namespace}/${name}`, () =>
        this.v2.patchNamespacedHorizontalPodAutoscaler({ name, namespace, body, ...(options.dryRun ? { dryRun: 'All' } : {}) }, merge),
      ),
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
