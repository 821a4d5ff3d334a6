// The RolloutCluster port on @kubernetes/client-node: Rollouts and AnalysisRuns (argoproj.io/v1alpha1),
// and the ReplicaSets and Deployments around them, all through CustomObjectsApi so that every object
// travels as the JSON the server sent: a set image PUTs it back whole, unknown fields included, as the
// plugin's unstructured client does. Decides nothing; a missing CRD reads as "none".

import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { WriteOptions } from '../../core/deploy/ports';
import type { KubeObject, ReferencedKind, RolloutCluster, RolloutPatch } from '../../core/rollouts/ports';
import { apiCall as call, apiRead as read, dryRunOf as dry } from './api-call';

const ROLLOUTS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts' } as const;
const ANALYSIS_RUNS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'analysisruns' } as const;
const APPS: Readonly<Record<ReferencedKind, { group: string; version: string; plural: string }>> = {
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments' },
  ReplicaSet: { group: 'apps', version: 'v1', plural: 'replicasets' },
};
const HEADERS = {
  merge: setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  json: setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
} as const;

const items = (list: unknown): KubeObject[] => ((list as { items?: KubeObject[] } | undefined)?.items ?? []);
const ownedBy = (uid: string) => (o: KubeObject) => ((o.metadata as { ownerReferences?: { uid?: string }[] } | undefined)?.ownerReferences ?? []).some((r) => r.uid === uid);
const nameOf = (o: KubeObject) => (o.metadata as { name?: string } | undefined)?.name ?? '';

export class ClientNodeRollouts implements RolloutCluster {
  private api: CustomObjectsApi | undefined;

  constructor(readonly kc: KubeConfig) {}

  // Made on first use: most operations never read a Rollout.
  private get custom(): CustomObjectsApi {
    this.api ??= this.kc.makeApiClient(CustomObjectsApi);
    return this.api;
  }

  async getRollout(namespace: string, name: string): Promise<KubeObject | undefined> {
    return read(`rollout ${namespace}/${name}`, () => this.custom.getNamespacedCustomObject({ ...ROLLOUTS, namespace, name }) as Promise<KubeObject>);
  }

  async listRollouts(namespace: string): Promise<KubeObject[]> {
    return items(await read(`rollouts in ${namespace}`, () => this.custom.listNamespacedCustomObject({ ...ROLLOUTS, namespace }) as Promise<unknown>));
  }

  async replaceRollout(namespace: string, rollout: KubeObject, options: WriteOptions): Promise<KubeObject> {
    const name = nameOf(rollout);
    return call(`update rollout ${namespace}/${name}`, () => this.custom.replaceNamespacedCustomObject({ ...ROLLOUTS, namespace, name, body: rollout, ...dry(options) }) as Promise<KubeObject>);
  }

  async patchRollout(namespace: string, name: string, patch: RolloutPatch, options: WriteOptions): Promise<KubeObject> {
    const request = { ...ROLLOUTS, namespace, name, body: patch.body as object, ...dry(options) };
    const what = `patch rollout ${namespace}/${name}${patch.subresource ? '/status' : ''}`;
    return call(what, () =>
      (patch.subresource === 'status' ? this.custom.patchNamespacedCustomObjectStatus(request, HEADERS[patch.type]) : this.custom.patchNamespacedCustomObject(request, HEADERS[patch.type])) as Promise<KubeObject>,
    );
  }

  async replicaSets(namespace: string, rolloutUid: string): Promise<KubeObject[]> {
    return items(await call(`replicasets in ${namespace}`, () => this.custom.listNamespacedCustomObject({ ...APPS.ReplicaSet, namespace }) as Promise<unknown>)).filter(ownedBy(rolloutUid));
  }

  async analysisRuns(namespace: string, rolloutUid: string): Promise<KubeObject[]> {
    return items(await read(`analysisruns in ${namespace}`, () => this.custom.listNamespacedCustomObject({ ...ANALYSIS_RUNS, namespace }) as Promise<unknown>)).filter(ownedBy(rolloutUid));
  }

  async getReferenced(namespace: string, kind: ReferencedKind, name: string): Promise<KubeObject | undefined> {
    return read(`${kind.toLowerCase()} ${namespace}/${name}`, () => this.custom.getNamespacedCustomObject({ ...APPS[kind], namespace, name }) as Promise<KubeObject>);
  }

  async replaceReferenced(namespace: string, kind: ReferencedKind, object: KubeObject, options: WriteOptions): Promise<KubeObject> {
    const name = nameOf(object);
    return call(`update ${kind.toLowerCase()} ${namespace}/${name}`, () => this.custom.replaceNamespacedCustomObject({ ...APPS[kind], namespace, name, body: object, ...dry(options) }) as Promise<KubeObject>);
  }

  async patchReferenced(namespace: string, kind: ReferencedKind, name: string, patch: RolloutPatch, options: WriteOptions): Promise<KubeObject> {
    return call(`patch ${kind.toLowerCase()} ${namespace}/${name}`, () =>
      this.custom.patchNamespacedCustomObject({ ...APPS[kind], namespace, name, body: patch.body as object, ...dry(options) }, HEADERS[patch.type]) as Promise<KubeObject>,
    );
  }
}
