// The Cluster port in memory: Deployments and ReplicaSets (memory-deployments.ts), Services (a
// selector write is a compare-and-swap on the resourceVersion when the engine passes what it read),
// custom objects such as a Gateway API HTTPRoute (JSON merge patch, 409 on a stale resourceVersion)
// and Leases (memory-leases.ts). A dry-run checks and changes nothing, and is no mutation to a
// KillSwitch.

/* eslint-disable @typescript-eslint/require-await -- synchronous inside; async so that its errors are rejections, as the real port's are */

import type { RolloutCluster } from '../../../src/core/rollouts/ports';
import type { Cluster, ClusterIdentity, CustomObjectView, CustomResource, DeploymentView, LeaseSpec, LeaseView, PodTemplate, ReplicaSetView, ServiceView, TemplateWriteOptions, WriteOptions } from '../../../src/core/deploy/ports';
import { ClusterRefusal } from '../../../src/core/deploy/ports';
import { MemoryAutoscalers } from './memory-autoscalers';
import type { WorkloadCluster } from '../../../src/core/deploy/workload-ports';
import { guarded, type KillSwitch } from './kill-switch';
import { MemoryDeployments, type Container, type DeploymentManifest, type Labels } from './memory-deployments';
import { MemoryLeases } from './memory-leases';

type Json = Record<string, unknown>;

interface Service {
  readonly name: string;
  selector: Labels;
  annotations: Labels;
  readonly labels: Labels;
  readonly ports: ServiceView['ports'];
  resourceVersion: number;
}

interface CustomObject {
  readonly spec: Json;
  readonly annotations: Labels;
  readonly labels: Labels;
  readonly resourceVersion: number;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

/** RFC 7386: objects merge, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

const WRITES = ['createDeployment', 'setImages', 'replaceTemplate', 'scale', 'setServiceSelector', 'createService', 'patchCustomObject'];
const LEASE_WRITES = ['createLease', 'replaceLease', 'deleteLease'];
const dryRun = (args: readonly unknown[]) => args.some((a) => isObject(a) && a['dryRun'] === true);
const conflict = (what: string) => new ClusterRefusal(`Operation cannot be fulfilled on ${what}: the object has been modified; please apply your changes to the latest version and try again`, 409, 'Conflict');

/** A port part no unit test should reach: any call rejects, naming it, so a test that does fails loudly. */
function unexpected<T extends object>(part: string): T {
  return new Proxy({} as T, { get: (_target, method) => () => Promise.reject(new Error(`unexpected call: cluster.${part}.${String(method)}`)) });
}

export class MemoryCluster implements Cluster {
  readonly identity: ClusterIdentity = { context: 'kind-hotfix', server: 'https://127.0.0.1:6443' };
  /** No StatefulSets, DaemonSets or autoscalers here: the engine's tests of those run on the real control plane. */
  readonly workloads: WorkloadCluster = unexpected<WorkloadCluster>('workloads');
  /** No Argo Rollouts (as on a cluster without their CRDs): the engine's tests of those run on the real controller. */
  readonly rollouts: RolloutCluster = new Proxy(unexpected<RolloutCluster>('rollouts'), {
    get: (inner, method): unknown => (method === 'getRollout' ? () => Promise.resolve(undefined) : method === 'listRollouts' ? () => Promise.resolve([]) : (Reflect.get(inner, method) as unknown)),
  });
  /** No HPAs unless a test adds one. */
  readonly autoscalers = new MemoryAutoscalers();
  readonly deployments = new MemoryDeployments();
  readonly leases = new MemoryLeases();
  readonly namespaces = new Set<string>(['shop']);
  /** API group → the versions the server serves (for HTTPRoute, VirtualService). */
  readonly served = new Map<string, string[]>();
  private readonly services = new Map<string, Service>();
  private readonly objects = new Map<string, CustomObject>();

  /** This cluster as a process with `kill` sees it: every write that is not a dry-run is a mutation. */
  port(kill: KillSwitch): Cluster {
    return guarded<Cluster>(this, 'cluster', kill, (method, args) => LEASE_WRITES.includes(method) || (WRITES.includes(method) && !dryRun(args)));
  }

  // --- what the test sees, without polling ---

  set rolloutPolls(polls: number) {
    this.deployments.rolloutPolls = polls;
  }

  get brokenImages(): Set<string> {
    return this.deployments.brokenImages;
  }

  deployment(name: string): DeploymentView | undefined {
    return this.deployments.peek(name);
  }

  deploymentNames(): string[] {
    return this.deployments.names();
  }

  history(name: string): string[] {
    return this.deployments.history(name);
  }

  settleAll(): void {
    this.deployments.settleAll();
  }

  service(name: string): ServiceView | undefined {
    const s = this.services.get(name);
    return s ? clone({ name: s.name, namespace: 'shop', selector: s.selector, annotations: s.annotations, labels: s.labels, ports: s.ports ?? [], resourceVersion: String(s.resourceVersion) }) : undefined;
  }

  serviceNames(): string[] {
    return [...this.services.keys()].sort();
  }

  customObject(name: string): Json | undefined {
    return clone([...this.objects].find(([key]) => key.endsWith(`/${name}`))?.[1].spec);
  }

  // --- seeding: the test's own kubectl apply, already rolled out ---

  seedDeployment(spec: { name: string; replicas: number; labels?: Labels; selector: Labels; templateLabels: Labels; containers: Container[] }): void {
    const polls = this.deployments.rolloutPolls;
    this.deployments.rolloutPolls = 0;
    const template = { metadata: { labels: spec.templateLabels }, spec: { containers: spec.containers } };
    this.deployments.create({ metadata: { name: spec.name, labels: spec.labels ?? {} }, spec: { replicas: spec.replicas, selector: { matchLabels: spec.selector }, template, progressDeadlineSeconds: 600 } }, false);
    this.deployments.rolloutPolls = polls;
  }

  seedService(name: string, selector: Labels, ports: ServiceView['ports'] = [{ name: 'http', port: 80, targetPort: 8080 }]): void {
    this.services.set(name, { name, selector: { ...selector }, annotations: {}, labels: {}, ports: clone(ports), resourceVersion: 1 });
  }

  seedCustomObject(r: Omit<CustomResource, 'version'>, name: string, spec: Json): void {
    this.objects.set(`${r.group}/${r.plural}/${name}`, { spec: clone(spec), annotations: {}, labels: {}, resourceVersion: 1 });
  }

  // --- the port: reads ---

  async namespaceExists(namespace: string): Promise<boolean> {
    return this.namespaces.has(namespace);
  }

  async getDeployment(_namespace: string, name: string): Promise<DeploymentView | undefined> {
    return this.deployments.read(name);
  }

  async replicaSets(deployment: DeploymentView): Promise<ReplicaSetView[]> {
    return this.deployments.replicaSets(deployment.name);
  }

  async getService(_namespace: string, name: string): Promise<ServiceView | undefined> {
    return this.service(name);
  }

  async servedVersion(group: string, candidates: readonly string[]): Promise<string | undefined> {
    return candidates.find((c) => this.served.get(group)?.includes(c));
  }

  async getCustomObject(_namespace: string, name: string, r: CustomResource): Promise<CustomObjectView | undefined> {
    const o = this.objects.get(`${r.group}/${r.plural}/${name}`);
    return o ? clone({ name, resourceVersion: String(o.resourceVersion), labels: o.labels, annotations: o.annotations, spec: o.spec }) : undefined;
  }

  async getLease(namespace: string, name: string): Promise<LeaseView | undefined> {
    return this.leases.get(namespace, name);
  }

  // --- the port: writes ---

  async createDeployment(_namespace: string, manifest: Readonly<Json>, options: WriteOptions): Promise<DeploymentView> {
    return this.deployments.create(manifest as unknown as DeploymentManifest, options.dryRun);
  }

  async setImages(_namespace: string, name: string, change: Parameters<Cluster['setImages']>[2], options: WriteOptions): Promise<DeploymentView> {
    return this.deployments.setImages(name, change, options.dryRun);
  }

  async replaceTemplate(_namespace: string, name: string, template: PodTemplate, annotations: Readonly<Labels>, options: TemplateWriteOptions, expected?: Pick<DeploymentView, 'resourceVersion'>): Promise<DeploymentView> {
    return this.deployments.replaceTemplate(name, template, annotations, options.dryRun, expected?.resourceVersion, options.resume === true);
  }

  async scale(_namespace: string, name: string, replicas: number, options: WriteOptions): Promise<DeploymentView> {
    return this.deployments.scale(name, replicas, options.dryRun);
  }

  async setServiceSelector(_namespace: string, name: string, selector: Readonly<Labels>, annotations: Readonly<Labels>, options: WriteOptions, expected?: ServiceView): Promise<ServiceView> {
    const s = this.services.get(name);
    if (!s) throw new ClusterRefusal(`services "${name}" not found`, 404, 'NotFound');
    if (expected?.resourceVersion !== undefined && expected.resourceVersion !== String(s.resourceVersion)) throw conflict(`services "${name}"`);
    if (!options.dryRun) {
      s.selector = { ...selector };
      s.annotations = { ...s.annotations, ...annotations };
      s.resourceVersion++;
    }
    return this.service(name) as ServiceView;
  }

  async createService(_namespace: string, manifest: Readonly<Json>, options: WriteOptions): Promise<ServiceView> {
    const m = manifest as { metadata: { name: string; labels?: Labels; annotations?: Labels }; spec: { selector?: Labels; ports?: ServiceView['ports'] } };
    if (this.services.has(m.metadata.name)) throw new ClusterRefusal(`services "${m.metadata.name}" already exists`, 409, 'AlreadyExists');
    const s: Service = { name: m.metadata.name, selector: { ...m.spec.selector }, annotations: { ...m.metadata.annotations }, labels: { ...m.metadata.labels }, ports: clone(m.spec.ports ?? []), resourceVersion: 1 };
    if (options.dryRun) return clone({ ...s, namespace: 'shop', resourceVersion: '1' });
    this.services.set(s.name, s);
    return this.service(s.name) as ServiceView;
  }

  async patchCustomObject(_namespace: string, name: string, r: CustomResource, patch: Readonly<Json>, options: WriteOptions): Promise<CustomObjectView> {
    const key = `${r.group}/${r.plural}/${name}`;
    const o = this.objects.get(key);
    if (!o) throw new ClusterRefusal(`${r.plural}.${r.group} "${name}" not found`, 404, 'NotFound');
    const meta = isObject(patch['metadata']) ? patch['metadata'] : {};
    if (meta['resourceVersion'] !== undefined && meta['resourceVersion'] !== String(o.resourceVersion)) throw conflict(`${r.plural}.${r.group} "${name}"`);
    const next: CustomObject = { spec: mergePatch(o.spec, patch['spec'] ?? {}) as Json, annotations: mergePatch(o.annotations, meta['annotations'] ?? {}) as Labels, labels: o.labels, resourceVersion: o.resourceVersion + 1 };
    if (!options.dryRun) this.objects.set(key, next);
    return clone({ name, resourceVersion: String(next.resourceVersion), labels: next.labels, annotations: next.annotations, spec: next.spec });
  }

  async createLease(namespace: string, name: string, spec: LeaseSpec): Promise<LeaseView> {
    return this.leases.create(namespace, name, spec);
  }

  async replaceLease(namespace: string, name: string, spec: LeaseSpec, resourceVersion: string): Promise<LeaseView> {
    return this.leases.replace(namespace, name, spec, resourceVersion);
  }

  async deleteLease(namespace: string, name: string, resourceVersion: string): Promise<void> {
    this.leases.delete(namespace, name, resourceVersion);
  }
}
