// The Cluster port on the Kubernetes API (KubeRest: JSON over HTTPS with client-node's KubeConfig):
// translation only. Reads map API objects to plain views (custom objects at the version discovery
// finds); writes pass `dryRun=All` when asked; a refusal a person can act on is a ClusterRefusal.

import type { KubeConfig, V1APIGroupList, V1Deployment, V1Lease, V1Namespace, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import {
  type Cluster,
  type ClusterIdentity,
  type CustomObjectView,
  type CustomResource,
  type DeploymentView,
  type LeaseSpec,
  type LeaseView,
  type PodTemplate,
  type ReplicaSetView,
  type ServicePort,
  type ServiceView,
  type TemplateWriteOptions,
  type WriteOptions,
} from '../../core/deploy/ports';
import { REVISION } from '../../core/deploy/rollout';
import { ClientNodeAutoscalers } from './autoscalers';
import { dryRunOf as dry, KubeRest, resourcePath, type KubeList } from './rest';
import { ClientNodeRollouts } from './rollouts';
import { ClientNodeWorkloads, selectorString, workloadBase } from './workloads';
import type { ServiceFacts, WorkloadFacts } from '../../core/config/init';

const deployments = (namespace: string, name?: string) => resourcePath('apps/v1', 'deployments', { namespace, ...(name !== undefined ? { name } : {}) });
const services = (namespace: string, name?: string) => resourcePath('v1', 'services', { namespace, ...(name !== undefined ? { name } : {}) });
const leases = (namespace: string, name?: string) => resourcePath('coordination.k8s.io/v1', 'leases', { namespace, ...(name !== undefined ? { name } : {}) });
const custom = (r: CustomResource, namespace: string, name: string) => resourcePath(`${r.group}/${r.version}`, r.plural, { namespace, name });

export class ClientNodeCluster implements Cluster {
  private readonly rest: KubeRest;
  readonly workloads: ClientNodeWorkloads;
  readonly autoscalers: ClientNodeAutoscalers;
  readonly rollouts: ClientNodeRollouts;

  constructor(
    kc: KubeConfig,
    readonly identity: ClusterIdentity,
  ) {
    this.rest = new KubeRest(kc);
    this.workloads = new ClientNodeWorkloads(this.rest);
    this.autoscalers = new ClientNodeAutoscalers(this.rest);
    this.rollouts = new ClientNodeRollouts(this.rest);
  }

  async namespaceExists(namespace: string): Promise<boolean> {
    return (await this.rest.read<V1Namespace>(`namespace ${namespace}`, resourcePath('v1', 'namespaces', { name: namespace }))) !== undefined;
  }

  async getDeployment(namespace: string, name: string): Promise<DeploymentView | undefined> {
    const d = await this.rest.read<V1Deployment>(`deployment ${namespace}/${name}`, deployments(namespace, name));
    return d ? deploymentView(d) : undefined;
  }

  /** For `init`: every Deployment of the namespace as name, pod labels, container names, and its own labels and annotations. */
  async listDeployments(namespace: string): Promise<WorkloadFacts[]> {
    const list = await this.rest.call<KubeList<V1Deployment>>(`deployments in ${namespace}`, deployments(namespace));
    return list.items.map((d) => ({
      name: d.metadata?.name ?? '',
      podLabels: d.spec?.template.metadata?.labels ?? {},
      containers: (d.spec?.template.spec?.containers ?? []).map((c) => c.name),
      labels: d.metadata?.labels ?? {},
      annotations: d.metadata?.annotations ?? {},
    }));
  }

  async listServices(namespace: string): Promise<ServiceFacts[]> {
    const list = await this.rest.call<KubeList<V1Service>>(`services in ${namespace}`, services(namespace));
    return list.items.map((s) => ({ name: s.metadata?.name ?? '', selector: s.spec?.selector ?? {} }));
  }

  async replicaSets(deployment: DeploymentView): Promise<ReplicaSetView[]> {
    const labelSelector = selectorString(deployment.selector);
    const list = await this.rest.call<KubeList<V1ReplicaSet>>(`replicasets of ${deployment.name}`, resourcePath('apps/v1', 'replicasets', { namespace: deployment.namespace }), { query: { labelSelector } });
    return list.items
      .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === deployment.uid))
      .map(replicaSetView)
      .sort((a, b) => a.revision - b.revision);
  }

  async createDeployment(namespace: string, manifest: Readonly<Record<string, unknown>>, options: WriteOptions): Promise<DeploymentView> {
    const body = manifest as V1Deployment;
    return deploymentView(await this.rest.call<V1Deployment>(`create deployment ${namespace}/${body.metadata?.name ?? ''}`, deployments(namespace), { method: 'POST', body, ...dry(options) }));
  }

  async setImages(
    namespace: string,
    name: string,
    change: { images: Readonly<Record<string, string>>; annotations: Readonly<Record<string, string>>; templateAnnotations?: Readonly<Record<string, string>>; labels?: Readonly<Record<string, string>> },
    options: WriteOptions,
  ): Promise<DeploymentView> {
    const body = {
      metadata: { annotations: change.annotations, ...(change.labels ? { labels: change.labels } : {}) },
      spec: {
        template: {
          ...(change.templateAnnotations ? { metadata: { annotations: change.templateAnnotations } } : {}),
          spec: { containers: Object.entries(change.images).map(([container, image]) => ({ name: container, image })) },
        },
      },
    };
    return deploymentView(await this.rest.call<V1Deployment>(`patch deployment ${namespace}/${name}`, deployments(namespace, name), { patch: 'strategic', body, ...dry(options) }));
  }

  async replaceTemplate(namespace: string, name: string, template: PodTemplate, annotations: Readonly<Record<string, string>>, options: TemplateWriteOptions, expected?: Pick<DeploymentView, 'resourceVersion'>): Promise<DeploymentView> {
    const body = [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
      // `add` sets a member whether or not it is there.
      ...(options.resume ? [{ op: 'add', path: '/spec/paused', value: false }] : []),
      // The version read, written back: the server refuses the update (409 Conflict) if it is not the current one.
      ...(expected?.resourceVersion !== undefined ? [{ op: 'replace', path: '/metadata/resourceVersion', value: expected.resourceVersion }] : []),
    ];
    return deploymentView(await this.rest.call<V1Deployment>(`roll back deployment ${namespace}/${name}`, deployments(namespace, name), { patch: 'json', body, ...dry(options) }));
  }

  async scale(namespace: string, name: string, replicas: number, options: WriteOptions): Promise<DeploymentView> {
    return deploymentView(await this.rest.call<V1Deployment>(`scale deployment ${namespace}/${name}`, deployments(namespace, name), { patch: 'merge', body: { spec: { replicas } }, ...dry(options) }));
  }

  async getService(namespace: string, name: string): Promise<ServiceView | undefined> {
    const s = await this.rest.read<V1Service>(`service ${namespace}/${name}`, services(namespace, name));
    return s ? serviceView(s) : undefined;
  }

  async setServiceSelector(
    namespace: string,
    name: string,
    selector: Readonly<Record<string, string>>,
    annotations: Readonly<Record<string, string>>,
    options: WriteOptions,
    expected?: ServiceView,
  ): Promise<ServiceView> {
    // One merge patch: keys the new selector drops are set to null, so the switch is a single write.
    const current = expected ?? (await this.getService(namespace, name));
    const next: Record<string, string | null> = { ...selector };
    for (const key of Object.keys(current?.selector ?? {})) {
      if (!(key in selector)) next[key] = null;
    }
    const precondition = expected?.resourceVersion !== undefined ? { resourceVersion: expected.resourceVersion } : {};
    const body = { metadata: { annotations, ...precondition }, spec: { selector: next } };
    return serviceView(await this.rest.call<V1Service>(`switch service ${namespace}/${name}`, services(namespace, name), { patch: 'merge', body, ...dry(options) }));
  }

  async createService(namespace: string, manifest: Readonly<Record<string, unknown>>, options: WriteOptions): Promise<ServiceView> {
    const body = manifest as V1Service;
    return serviceView(await this.rest.call<V1Service>(`create service ${namespace}/${body.metadata?.name ?? ''}`, services(namespace), { method: 'POST', body, ...dry(options) }));
  }

  async servedVersion(group: string, candidates: readonly string[]): Promise<string | undefined> {
    const list = await this.rest.call<V1APIGroupList>('list API groups', '/apis');
    const found = list.groups.find((g) => g.name === group);
    if (!found) return undefined;
    const preferred = found.preferredVersion?.version;
    if (preferred !== undefined && candidates.includes(preferred)) return preferred;
    return candidates.find((c) => found.versions.some((v) => v.version === c));
  }

  async getCustomObject(namespace: string, name: string, r: CustomResource): Promise<CustomObjectView | undefined> {
    const object = await this.rest.read<unknown>(`${r.kind} ${namespace}/${name}`, custom(r, namespace, name));
    return object === undefined ? undefined : customView(object);
  }

  async patchCustomObject(namespace: string, name: string, r: CustomResource, patch: Readonly<Record<string, unknown>>, options: WriteOptions): Promise<CustomObjectView> {
    return customView(await this.rest.call<unknown>(`patch ${r.kind} ${namespace}/${name}`, custom(r, namespace, name), { patch: 'merge', body: patch, ...dry(options) }));
  }

  async getLease(namespace: string, name: string): Promise<LeaseView | undefined> {
    const lease = await this.rest.read<V1Lease>(`lease ${namespace}/${name}`, leases(namespace, name));
    return lease ? leaseView(lease) : undefined;
  }

  async createLease(namespace: string, name: string, spec: LeaseSpec): Promise<LeaseView> {
    return leaseView(await this.rest.call<V1Lease>(`lock ${namespace}/${name}`, leases(namespace), { method: 'POST', body: leaseBody(name, spec) }));
  }

  async replaceLease(namespace: string, name: string, spec: LeaseSpec, resourceVersion: string): Promise<LeaseView> {
    const body = leaseBody(name, spec);
    body.metadata = { ...body.metadata, resourceVersion };
    return leaseView(await this.rest.call<V1Lease>(`lock ${namespace}/${name}`, leases(namespace, name), { method: 'PUT', body }));
  }

  async deleteLease(namespace: string, name: string, resourceVersion: string): Promise<void> {
    await this.rest.call(`unlock ${namespace}/${name}`, leases(namespace, name), { method: 'DELETE', body: { preconditions: { resourceVersion } } });
  }
}

function deploymentView(d: V1Deployment): DeploymentView {
  const conditions = (d.status?.conditions ?? []).map((c) => ({
    type: c.type,
    status: c.status,
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
    ...(c.message !== undefined ? { message: c.message } : {}),
  }));
  return {
    ...workloadBase(d),
    replicas: d.spec?.replicas ?? 1,
    templateLabels: d.spec?.template.metadata?.labels ?? {},
    ...(d.spec?.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: d.spec.progressDeadlineSeconds } : {}),
    ...(d.spec?.paused ? { paused: true } : {}),
    ...(d.metadata?.resourceVersion !== undefined ? { resourceVersion: d.metadata.resourceVersion } : {}),
    status: {
      observedGeneration: d.status?.observedGeneration ?? 0,
      replicas: d.status?.replicas ?? 0,
      updatedReplicas: d.status?.updatedReplicas ?? 0,
      readyReplicas: d.status?.readyReplicas ?? 0,
      availableReplicas: d.status?.availableReplicas ?? 0,
      conditions,
    },
  };
}

function replicaSetView(rs: V1ReplicaSet): ReplicaSetView {
  const annotations = rs.metadata?.annotations ?? {};
  return {
    name: rs.metadata?.name ?? '',
    revision: Number(annotations[REVISION] ?? 0),
    annotations,
    template: (rs.spec?.template ?? {}) as unknown as PodTemplate,
    images: (rs.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
    replicas: rs.status?.replicas ?? 0,
    ...(rs.metadata?.creationTimestamp ? { createdAt: new Date(rs.metadata.creationTimestamp).toISOString() } : {}),
  };
}

function serviceView(s: V1Service): ServiceView {
  const ports = (s.spec?.ports ?? []).map((p): ServicePort => ({
    port: p.port,
    ...(p.name !== undefined ? { name: p.name } : {}),
    ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
    ...(p.protocol !== undefined ? { protocol: p.protocol } : {}),
  }));
  return {
    ...(s.metadata?.resourceVersion !== undefined ? { resourceVersion: s.metadata.resourceVersion } : {}),
    name: s.metadata?.name ?? '',
    namespace: s.metadata?.namespace ?? '',
    selector: s.spec?.selector ?? {},
    annotations: s.metadata?.annotations ?? {},
    labels: s.metadata?.labels ?? {},
    ports,
  };
}

function customView(object: unknown): CustomObjectView {
  const o = (typeof object === 'object' && object !== null ? object : {}) as { metadata?: { name?: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown>; status?: Record<string, unknown> };
  return {
    name: o.metadata?.name ?? '',
    resourceVersion: o.metadata?.resourceVersion ?? '',
    labels: o.metadata?.labels ?? {},
    annotations: o.metadata?.annotations ?? {},
    spec: o.spec ?? {},
    ...(o.status !== undefined ? { status: o.status } : {}),
  };
}

/** A MicroTime as the API server parses it: RFC 3339 with exactly six digits of fraction. */
const microTime = (date: Date): string => date.toISOString().replace(/Z$/, '000Z');

/** A Lease as sent: its times are MicroTime strings (V1Lease types them as the Date a reply is parsed to). */
interface LeaseBody {
  readonly apiVersion: 'coordination.k8s.io/v1';
  readonly kind: 'Lease';
  metadata: { readonly name: string; readonly labels: Record<string, string>; readonly annotations: Record<string, string>; readonly resourceVersion?: string };
  readonly spec: { readonly holderIdentity: string; readonly leaseDurationSeconds: number; readonly acquireTime: string; readonly renewTime: string };
}

function leaseBody(name: string, spec: LeaseSpec): LeaseBody {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, labels: { ...spec.labels }, annotations: { ...spec.annotations } },
    spec: {
      holderIdentity: spec.holder,
      leaseDurationSeconds: spec.durationSeconds,
      acquireTime: microTime(spec.acquiredAt),
      renewTime: microTime(spec.renewedAt),
    },
  };
}

function leaseView(lease: V1Lease): LeaseView {
  // The reply's times are strings (typed Date by V1Lease); read either way.
  const iso = (d: Date | string | undefined) => (d ? new Date(d).toISOString() : undefined);
  const acquiredAt = iso(lease.spec?.acquireTime);
  const renewedAt = iso(lease.spec?.renewTime);
  return {
    name: lease.metadata?.name ?? '',
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    labels: lease.metadata?.labels ?? {},
    annotations: lease.metadata?.annotations ?? {},
    ...(lease.spec?.holderIdentity !== undefined ? { holder: lease.spec.holderIdentity } : {}),
    ...(acquiredAt ? { acquiredAt } : {}),
    ...(renewedAt ? { renewedAt } : {}),
    ...(lease.spec?.leaseDurationSeconds !== undefined ? { durationSeconds: lease.spec.leaseDurationSeconds } : {}),
  };
}
