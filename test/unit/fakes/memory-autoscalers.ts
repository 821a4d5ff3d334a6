// HorizontalPodAutoscalers in memory: none unless a test adds one. setBounds is a merge patch with
// the API server's compare-and-swap on resourceVersion; no controller acts on the bounds here (the
// fight with a real HPA controller is tested on the real control plane).

import type { AutoscalerBounds, AutoscalerCluster, AutoscalerView } from '../../../src/core/deploy/autoscaler-ports';
import { ClusterRefusal, type WriteOptions } from '../../../src/core/deploy/ports';

export class MemoryAutoscalers implements AutoscalerCluster {
  private readonly hpas = new Map<string, AutoscalerView>();
  private version = 1;

  /** Adds an HPA scaling Deployment `deployment`. */
  add(namespace: string, name: string, deployment: string, bounds: { minReplicas?: number; maxReplicas: number }, annotations: Record<string, string> = {}): AutoscalerView {
    const hpa: AutoscalerView = {
      name,
      namespace,
      target: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment },
      minReplicas: bounds.minReplicas ?? 1,
      maxReplicas: bounds.maxReplicas,
      currentReplicas: 0,
      desiredReplicas: 0,
      resourceVersion: String(this.version++),
      annotations,
      conditions: [],
    };
    this.hpas.set(`${namespace}/${name}`, hpa);
    return hpa;
  }

  autoscalersOf(namespace: string, deployment: string): Promise<AutoscalerView[]> {
    return Promise.resolve(
      [...this.hpas.values()].filter((h) => h.namespace === namespace && h.target.kind === 'Deployment' && h.target.name === deployment).sort((a, b) => a.name.localeCompare(b.name)),
    );
  }

  getAutoscaler(namespace: string, name: string): Promise<AutoscalerView | undefined> {
    return Promise.resolve(this.hpas.get(`${namespace}/${name}`));
  }

  setBounds(namespace: string, expected: AutoscalerView, bounds: AutoscalerBounds, options: WriteOptions): Promise<AutoscalerView> {
    const key = `${namespace}/${expected.name}`;
    const current = this.hpas.get(key);
    if (!current) return Promise.reject(new ClusterRefusal(`horizontalpodautoscalers "${expected.name}" not found`, 404, 'NotFound'));
    if (current.resourceVersion !== expected.resourceVersion) {
      return Promise.reject(new ClusterRefusal(`Operation cannot be fulfilled on horizontalpodautoscalers "${expected.name}": the object has been modified`, 409, 'Conflict'));
    }
    if (bounds.minReplicas < 1 || bounds.maxReplicas < bounds.minReplicas) {
      return Promise.reject(new ClusterRefusal(`HorizontalPodAutoscaler "${expected.name}" is invalid: minReplicas ${bounds.minReplicas}, maxReplicas ${bounds.maxReplicas}`, 422, 'Invalid'));
    }
    const annotations: Record<string, string> = { ...current.annotations };
    for (const [k, v] of Object.entries(bounds.annotations)) {
      if (v === null) delete annotations[k];
      else annotations[k] = v;
    }
    const next: AutoscalerView = { ...current, minReplicas: bounds.minReplicas, maxReplicas: bounds.maxReplicas, annotations, resourceVersion: String(this.version++) };
    if (!options.dryRun) this.hpas.set(key, next);
    return Promise.resolve(options.dryRun ? { ...next, resourceVersion: current.resourceVersion } : next);
  }
}
