// The RolloutCluster port on the Kubernetes API (KubeRest): Rollouts and AnalysisRuns (argoproj.io/v1alpha1),
// and the ReplicaSets and Deployments around them, all as untyped JSON so that every object
// travels as the JSON the server sent: a set image PUTs it back whole, unknown fields included, as the
// plugin's unstructured client does. Decides nothing; a missing CRD reads as "none".

import type { WriteOptions } from '../../core/deploy/ports';
import type { KubeObject, ReferencedKind, RolloutCluster, RolloutPatch } from '../../core/rollouts/ports';
import { dryRunOf as dry, resourcePath, type KubeRest } from './rest';

const ARGO = 'argoproj.io/v1alpha1';
const APPS: Readonly<Record<ReferencedKind, string>> = { Deployment: 'deployments', ReplicaSet: 'replicasets' };
const rollouts = (namespace: string, name?: string, subresource?: string) =>
  resourcePath(ARGO, 'rollouts', { namespace, ...(name !== undefined ? { name } : {}), ...(subresource !== undefined ? { subresource } : {}) });
const apps = (kind: ReferencedKind, namespace: string, name?: string) => resourcePath('apps/v1', APPS[kind], { namespace, ...(name !== undefined ? { name } : {}) });

const items = (list: unknown): KubeObject[] => ((list as { items?: KubeObject[] } | undefined)?.items ?? []);
const ownedBy = (uid: string) => (o: KubeObject) => ((o.metadata as { ownerReferences?: { uid?: string }[] } | undefined)?.ownerReferences ?? []).some((r) => r.uid === uid);
const nameOf = (o: KubeObject) => (o.metadata as { name?: string } | undefined)?.name ?? '';

export class ClientNodeRollouts implements RolloutCluster {
  constructor(private readonly rest: KubeRest) {}

  async getRollout(namespace: string, name: string): Promise<KubeObject | undefined> {
    return this.rest.read<KubeObject>(`rollout ${namespace}/${name}`, rollouts(namespace, name));
  }

  async listRollouts(namespace: string): Promise<KubeObject[]> {
    return items(await this.rest.read<unknown>(`rollouts in ${namespace}`, rollouts(namespace)));
  }

  async replaceRollout(namespace: string, rollout: KubeObject, options: WriteOptions): Promise<KubeObject> {
    const name = nameOf(rollout);
    return this.rest.call<KubeObject>(`update rollout ${namespace}/${name}`, rollouts(namespace, name), { method: 'PUT', body: rollout, ...dry(options) });
  }

  async patchRollout(namespace: string, name: string, patch: RolloutPatch, options: WriteOptions): Promise<KubeObject> {
    const what = `patch rollout ${namespace}/${name}${patch.subresource ? '/status' : ''}`;
    return this.rest.call<KubeObject>(what, rollouts(namespace, name, patch.subresource), { patch: patch.type, body: patch.body, ...dry(options) });
  }

  async replicaSets(namespace: string, rolloutUid: string): Promise<KubeObject[]> {
    return items(await this.rest.call<unknown>(`replicasets in ${namespace}`, apps('ReplicaSet', namespace))).filter(ownedBy(rolloutUid));
  }

  async analysisRuns(namespace: string, rolloutUid: string): Promise<KubeObject[]> {
    return items(await this.rest.read<unknown>(`analysisruns in ${namespace}`, resourcePath(ARGO, 'analysisruns', { namespace }))).filter(ownedBy(rolloutUid));
  }

  async getReferenced(namespace: string, kind: ReferencedKind, name: string): Promise<KubeObject | undefined> {
    return this.rest.read<KubeObject>(`${kind.toLowerCase()} ${namespace}/${name}`, apps(kind, namespace, name));
  }

  async replaceReferenced(namespace: string, kind: ReferencedKind, object: KubeObject, options: WriteOptions): Promise<KubeObject> {
    const name = nameOf(object);
    return this.rest.call<KubeObject>(`update ${kind.toLowerCase()} ${namespace}/${name}`, apps(kind, namespace, name), { method: 'PUT', body: object, ...dry(options) });
  }

  async patchReferenced(namespace: string, kind: ReferencedKind, name: string, patch: RolloutPatch, options: WriteOptions): Promise<KubeObject> {
    return this.rest.call<KubeObject>(`patch ${kind.toLowerCase()} ${namespace}/${name}`, apps(kind, namespace, name), { patch: patch.type, body: patch.body, ...dry(options) });
  }
}
