// The WorkloadCluster port on the Kubernetes API (KubeRest): StatefulSets, DaemonSets and their
// ControllerRevisions, translated to plain views. Decides nothing.

import type { V1ControllerRevision, V1DaemonSet, V1ObjectMeta, V1Pod, V1PodTemplateSpec, V1StatefulSet } from '@kubernetes/client-node';
import type { WorkloadFacts } from '../../core/config/init';
import type { PodTemplate, WriteOptions } from '../../core/deploy/ports';
import type {
  ControllerRevisionView,
  DaemonSetView,
  InPlaceKind,
  StatefulSetView,
  WorkloadCluster,
  WorkloadImageChange,
  WorkloadPod,
  WorkloadView,
} from '../../core/deploy/workload-ports';
import { dryRunOf, resourcePath, type KubeList, type KubeRest } from './rest';

const PLURAL: Readonly<Record<InPlaceKind, string>> = { StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };
const apps = (plural: string, namespace: string, name?: string) => resourcePath('apps/v1', plural, { namespace, ...(name !== undefined ? { name } : {}) });
const pods = (namespace: string, name?: string) => resourcePath('v1', 'pods', { namespace, ...(name !== undefined ? { name } : {}) });

/** The label both controllers put on their pods and revisions. */
const REVISION_HASH = 'controller-revision-hash';

export class ClientNodeWorkloads implements WorkloadCluster {
  constructor(private readonly rest: KubeRest) {}

  async getWorkload(kind: InPlaceKind, namespace: string, name: string): Promise<WorkloadView | undefined> {
    if (kind === 'StatefulSet') {
      const s = await this.rest.read<V1StatefulSet>(`statefulset ${namespace}/${name}`, apps(PLURAL[kind], namespace, name));
      return s ? statefulSetView(s) : undefined;
    }
    const d = await this.rest.read<V1DaemonSet>(`daemonset ${namespace}/${name}`, apps(PLURAL[kind], namespace, name));
    return d ? daemonSetView(d) : undefined;
  }

  async listWorkloads(namespace: string): Promise<WorkloadFacts[]> {
    const [sets, daemons] = await Promise.all([
      this.rest.call<KubeList<V1StatefulSet>>(`statefulsets in ${namespace}`, apps(PLURAL.StatefulSet, namespace)),
      this.rest.call<KubeList<V1DaemonSet>>(`daemonsets in ${namespace}`, apps(PLURAL.DaemonSet, namespace)),
    ]);
    const facts = (kind: InPlaceKind, o: { metadata?: V1ObjectMeta; spec?: { template: V1PodTemplateSpec } }): WorkloadFacts => ({
      name: o.metadata?.name ?? '',
      kind,
      podLabels: o.spec?.template.metadata?.labels ?? {},
      containers: (o.spec?.template.spec?.containers ?? []).map((c) => c.name),
      labels: o.metadata?.labels ?? {},
      annotations: o.metadata?.annotations ?? {},
    });
    return [...sets.items.map((s) => facts('StatefulSet', s)), ...daemons.items.map((d) => facts('DaemonSet', d))];
  }

  async controllerRevisions(workload: WorkloadView): Promise<ControllerRevisionView[]> {
    const labelSelector = selectorString(workload.selector);
    const list = await this.rest.call<KubeList<V1ControllerRevision>>(`controllerrevisions of ${workload.kind} ${workload.name}`, apps('controllerrevisions', workload.namespace), {
      query: { labelSelector },
    });
    return list.items
      .filter((r) => r.metadata?.ownerReferences?.some((o) => o.uid === workload.uid))
      .map(revisionView)
      .sort((a, b) => a.revision - b.revision);
  }

  async setImages(kind: InPlaceKind, namespace: string, name: string, change: WorkloadImageChange, options: WriteOptions): Promise<WorkloadView> {
    // Containers merge by name (the strategic merge key), so only the named ones change.
    const body = {
      metadata: { annotations: change.annotations, ...(change.labels ? { labels: change.labels } : {}) },
      spec: {
        template: {
          ...(change.templateAnnotations ? { metadata: { annotations: change.templateAnnotations } } : {}),
          spec: { containers: Object.entries(change.images).map(([container, image]) => ({ name: container, image })) },
        },
      },
    };
    return this.patch(kind, namespace, name, body, options, `set image of ${kind.toLowerCase()} ${namespace}/${name}`);
  }

  async restoreRevision(
    kind: InPlaceKind,
    namespace: string,
    name: string,
    revision: ControllerRevisionView,
    annotations: Readonly<Record<string, string>>,
    options: WriteOptions,
  ): Promise<WorkloadView> {
    // What kubectl rollout undo sends: the revision's data as a strategic merge patch. Its template
    // carries `$patch: replace`, so the whole pod template is replaced; the annotations merge.
    const body = { ...revision.data, metadata: { annotations } };
    return this.patch(kind, namespace, name, body, options, `roll back ${kind.toLowerCase()} ${namespace}/${name} to revision ${revision.revision}`);
  }

  async pods(workload: WorkloadView): Promise<WorkloadPod[]> {
    const labelSelector = selectorString(workload.selector);
    const list = await this.rest.call<KubeList<V1Pod>>(`pods of ${workload.kind} ${workload.name}`, pods(workload.namespace), { query: { labelSelector } });
    return list.items.filter((p) => p.metadata?.ownerReferences?.some((o) => o.uid === workload.uid)).map(podView);
  }

  async deletePod(namespace: string, name: string): Promise<void> {
    await this.rest.read(`delete pod ${namespace}/${name}`, pods(namespace, name), { method: 'DELETE' });
  }

  private async patch(kind: InPlaceKind, namespace: string, name: string, body: object, options: WriteOptions, what: string): Promise<WorkloadView> {
    const call = { patch: 'strategic', body, ...dryRunOf(options) } as const;
    if (kind === 'StatefulSet') return statefulSetView(await this.rest.call<V1StatefulSet>(what, apps(PLURAL[kind], namespace, name), call));
    return daemonSetView(await this.rest.call<V1DaemonSet>(what, apps(PLURAL[kind], namespace, name), call));
  }
}

/** An equality selector as a label-selector query: app=web,track=stable. */
export const selectorString = (selector: Readonly<Record<string, string>>) =>
  Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** What every workload view shares, Deployments too: its identity, labels, selector and pod template. */
export function workloadBase(o: { metadata?: V1ObjectMeta; spec?: { template: V1PodTemplateSpec; selector: { matchLabels?: Record<string, string> } } }) {
  return {
    name: o.metadata?.name ?? '',
    namespace: o.metadata?.namespace ?? '',
    uid: o.metadata?.uid ?? '',
    generation: o.metadata?.generation ?? 0,
    labels: o.metadata?.labels ?? {},
    annotations: o.metadata?.annotations ?? {},
    selector: o.spec?.selector.matchLabels ?? {},
    template: (o.spec?.template ?? {}) as unknown as PodTemplate,
    containers: (o.spec?.template.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? '' })),
  };
}

function statefulSetView(s: V1StatefulSet): StatefulSetView {
  const strategy = s.spec?.updateStrategy;
  const st = s.status;
  return {
    ...workloadBase(s),
    kind: 'StatefulSet',
    replicas: s.spec?.replicas ?? 1,
    updateStrategy: {
      type: strategy?.type ?? 'RollingUpdate',
      ...(strategy?.rollingUpdate?.partition !== undefined ? { partition: strategy.rollingUpdate.partition } : {}),
      ...(strategy?.rollingUpdate?.maxUnavailable !== undefined ? { maxUnavailable: strategy.rollingUpdate.maxUnavailable } : {}),
    },
    status: {
      observedGeneration: st?.observedGeneration ?? 0,
      replicas: st?.replicas ?? 0,
      readyReplicas: st?.readyReplicas ?? 0,
      updatedReplicas: st?.updatedReplicas ?? 0,
      currentReplicas: st?.currentReplicas ?? 0,
      availableReplicas: st?.availableReplicas ?? 0,
      ...(st?.updateRevision !== undefined ? { updateRevision: st.updateRevision } : {}),
      ...(st?.currentRevision !== undefined ? { currentRevision: st.currentRevision } : {}),
    },
  };
}

function daemonSetView(d: V1DaemonSet): DaemonSetView {
  const strategy = d.spec?.updateStrategy;
  const st = d.status;
  return {
    ...workloadBase(d),
    kind: 'DaemonSet',
    updateStrategy: {
      type: strategy?.type ?? 'RollingUpdate',
      ...(strategy?.rollingUpdate?.maxUnavailable !== undefined ? { maxUnavailable: strategy.rollingUpdate.maxUnavailable } : {}),
    },
    status: {
      observedGeneration: st?.observedGeneration ?? 0,
      desiredNumberScheduled: st?.desiredNumberScheduled ?? 0,
      currentNumberScheduled: st?.currentNumberScheduled ?? 0,
      updatedNumberScheduled: st?.updatedNumberScheduled ?? 0,
      numberReady: st?.numberReady ?? 0,
      numberAvailable: st?.numberAvailable ?? 0,
    },
  };
}

function revisionView(r: V1ControllerRevision): ControllerRevisionView {
  const data = (typeof r.data === 'object' && r.data !== null ? r.data : {}) as Record<string, unknown>;
  const spec = data['spec'] as { template?: Record<string, unknown> } | undefined;
  const { $patch: _directive, ...template } = spec?.template ?? {};
  const containers = ((template as { spec?: { containers?: { image?: string }[] } }).spec?.containers ?? []);
  return {
    name: r.metadata?.name ?? '',
    revision: r.revision,
    annotations: r.metadata?.annotations ?? {},
    data,
    template,
    images: containers.map((c) => c.image ?? ''),
    ...(r.metadata?.creationTimestamp ? { createdAt: new Date(r.metadata.creationTimestamp).toISOString() } : {}),
  };
}

function podView(p: V1Pod): WorkloadPod {
  const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const waiting = (p.status?.containerStatuses ?? []).map((c) => c.state?.waiting).find((w) => w?.reason !== undefined);
  const revision = p.metadata?.labels?.[REVISION_HASH];
  return {
    name: p.metadata?.name ?? '',
    ready,
    ...(revision !== undefined ? { revision } : {}),
    ...(waiting?.reason !== undefined ? { waiting: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` } : {}),
  };
}
