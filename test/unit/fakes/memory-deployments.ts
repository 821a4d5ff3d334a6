// Deployments and their ReplicaSets in memory, with a tiny controller, for the Cluster port
// (memory-cluster.ts): a changed template or a scale-up rolls out after `rolloutPolls` reads of the
// Deployment (0: at once); an image in `brokenImages` never gets ready and reports
// ProgressDeadlineExceeded; every template gets a ReplicaSet and a revision, and going back to an
// earlier template renumbers its ReplicaSet, as `kubectl rollout undo` sees them. With `controllerLag`
// a changed template waits for `sync` before its ReplicaSet, revision and observedGeneration appear (a
// deploy seconds ago); a paused Deployment gets no ReplicaSet for a new template until it is resumed.

import { createHash } from 'node:crypto';
import type { DeploymentView, PodTemplate, ReplicaSetView } from '../../../src/core/deploy/ports';
import { ClusterRefusal } from '../../../src/core/deploy/ports';
import { REVISION } from '../../../src/core/deploy/rollout';

export type Labels = Record<string, string>;
export interface Container {
  name: string;
  image: string;
}
export interface Template {
  metadata?: { labels?: Labels; annotations?: Labels };
  spec?: { containers?: Container[] };
}
export interface DeploymentManifest {
  readonly metadata: { readonly name: string; readonly labels?: Labels; readonly annotations?: Labels };
  readonly spec: { readonly replicas?: number; readonly selector: { readonly matchLabels: Labels }; readonly template: Template; readonly progressDeadlineSeconds?: number };
}

interface Deployment {
  readonly name: string;
  readonly uid: string;
  generation: number;
  /** Bumped by every change, the status's too, as the API server does. */
  version: number;
  labels: Labels;
  annotations: Labels;
  replicas: number;
  readonly selector: Labels;
  template: Template;
  readonly progressDeadlineSeconds?: number;
  /** Reads left before the controller has rolled out the current spec. */
  pending: number;
  /** spec.paused: a new template gets no ReplicaSet and rolls nothing out. */
  paused: boolean;
  /** The template is newer than any ReplicaSet: the controller has not made one for it yet. */
  unsynced: boolean;
  status: DeploymentView['status'];
  readonly history: { revision: number; readonly hash: string; readonly template: Template; annotations: Labels }[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);
export const canonical = (v: unknown): string =>
  Array.isArray(v) ? `[${v.map(canonical).join(',')}]` : isObject(v) ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}` : JSON.stringify(v);
const images = (template: Template): string[] => (template.spec?.containers ?? []).map((c) => c.image);

export class MemoryDeployments {
  /** Reads of a Deployment before a changed template or a scale-up is rolled out: 0 is at once. */
  rolloutPolls = 0;
  /** The controller has not seen a changed template until `sync` (or `settleAll`). */
  controllerLag = false;
  readonly brokenImages = new Set<string>();
  private readonly all = new Map<string, Deployment>();
  private uid = 0;

  names(): string[] {
    return [...this.all.keys()].sort();
  }

  /** The Deployment as it is, without the read counting as a poll. */
  peek(name: string): DeploymentView | undefined {
    const d = this.all.get(name);
    return d ? this.view(d) : undefined;
  }

  /** A read by the engine: a poll that moves a pending rollout on. */
  read(name: string): DeploymentView | undefined {
    const d = this.all.get(name);
    if (d && d.pending > 0 && --d.pending === 0) this.settle(d);
    return d ? this.view(d) : undefined;
  }

  /** Revision and images of each ReplicaSet of `name`, oldest first. */
  history(name: string): string[] {
    return this.replicaSets(name).map((rs) => `${rs.revision}:${rs.images.join(',')}`);
  }

  replicaSets(name: string): ReplicaSetView[] {
    const d = this.found(name);
    const current = Number(d.annotations[REVISION]);
    return [...d.history]
      .sort((a, b) => a.revision - b.revision)
      .map((rs) => ({ name: `${d.name}-${rs.hash.slice(0, 8)}`, revision: rs.revision, annotations: clone(rs.annotations), template: clone(rs.template) as PodTemplate, images: images(rs.template), replicas: rs.revision === current ? d.replicas : 0 }));
  }

  /** Lets the controller catch up on every rollout, as time would: for comparing eventual states. */
  settleAll(): void {
    for (const d of this.all.values()) {
      if (d.unsynced && !d.paused) this.sync(d.name);
      d.pending = 0;
      this.settle(d);
    }
  }

  /** The controller catches up with a template it had not seen (controllerLag): its ReplicaSet and revision. */
  sync(name: string): void {
    const d = this.found(name);
    if (!d.unsynced || d.paused) return;
    d.unsynced = false;
    d.version++;
    this.revise(d);
    this.rollOut(d, true);
  }

  /** `kubectl rollout pause`. */
  pause(name: string): void {
    const d = this.found(name);
    d.paused = true;
    d.generation++;
    d.version++;
    this.settle(d);
  }

  create(m: DeploymentManifest, dryRun: boolean): DeploymentView {
    if (this.all.has(m.metadata.name)) throw new ClusterRefusal(`deployments.apps "${m.metadata.name}" already exists`, 409, 'AlreadyExists');
    const d: Deployment = {
      name: m.metadata.name,
      uid: `uid-${++this.uid}`,
      generation: 1,
      version: 1,
      labels: { ...m.metadata.labels },
      annotations: { ...m.metadata.annotations },
      replicas: m.spec.replicas ?? 1,
      selector: { ...m.spec.selector.matchLabels },
      template: clone(m.spec.template),
      ...(m.spec.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: m.spec.progressDeadlineSeconds } : {}),
      pending: 0,
      paused: false,
      unsynced: false,
      status: { observedGeneration: 0, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0, conditions: [] },
      history: [],
    };
    if (dryRun) return this.view(d);
    this.all.set(d.name, d);
    this.revise(d);
    this.rollOut(d, d.replicas > 0);
    return this.view(d);
  }

  /** A strategic merge patch of container images, annotations (Deployment and pod template) and labels. */
  setImages(name: string, change: { readonly images: Readonly<Labels>; readonly annotations: Readonly<Labels>; readonly templateAnnotations?: Readonly<Labels>; readonly labels?: Readonly<Labels> }, dryRun: boolean): DeploymentView {
    const d = this.found(name);
    const unknown = Object.keys(change.images).find((container) => !(d.template.spec?.containers ?? []).some((c) => c.name === container));
    if (unknown !== undefined) throw new ClusterRefusal(`Deployment.apps "${name}" is invalid: no container ${unknown}`, 422, 'Invalid');
    if (dryRun) return this.view(d);
    const template = clone(d.template);
    template.spec = { ...template.spec, containers: (template.spec?.containers ?? []).map((c) => ({ ...c, image: change.images[c.name] ?? c.image })) };
    if (change.templateAnnotations) template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, ...change.templateAnnotations } };
    d.annotations = { ...d.annotations, ...change.annotations };
    d.labels = { ...d.labels, ...change.labels };
    this.setTemplate(d, template);
    return this.view(d);
  }

  /** A JSON patch replacing the pod template and every annotation (rollout undo); at `expected`, a compare-and-swap. */
  replaceTemplate(name: string, template: PodTemplate, annotations: Readonly<Labels>, dryRun: boolean, expected?: string, resume = false): DeploymentView {
    const d = this.found(name);
    if (expected !== undefined && expected !== String(d.version)) {
      throw new ClusterRefusal(`Operation cannot be fulfilled on deployments.apps "${name}": the object has been modified; please apply your changes to the latest version and try again`, 409, 'Conflict');
    }
    if (dryRun) return this.view(d);
    d.annotations = { ...annotations };
    if (resume && d.paused) {
      d.paused = false;
      d.generation++;
      d.unsynced = true; // whatever the template, the controller now makes or finds its ReplicaSet
    }
    this.setTemplate(d, clone(template));
    return this.view(d);
  }

  scale(name: string, replicas: number, dryRun: boolean): DeploymentView {
    const d = this.found(name);
    if (dryRun || d.replicas === replicas) return this.view(d);
    const up = replicas > d.replicas;
    d.replicas = replicas;
    d.generation++;
    d.version++;
    this.rollOut(d, up);
    return this.view(d);
  }

  private found(name: string): Deployment {
    const d = this.all.get(name);
    if (!d) throw new ClusterRefusal(`deployments.apps "${name}" not found`, 404, 'NotFound');
    return d;
  }

  private setTemplate(d: Deployment, template: Template): void {
    d.version++;
    if (canonical(template) !== canonical(d.template)) {
      d.template = template;
      d.generation++;
      d.unsynced = true;
    }
    if (d.unsynced && d.paused) {
      this.settle(d); // observed, and nothing made or rolled out
      return;
    }
    if (d.unsynced && this.controllerLag) return;
    if (d.unsynced) {
      d.unsynced = false;
      this.rollOut(d, true);
    }
    this.revise(d); // with the same template: annotations only, the revision stays
  }

  /** As the Deployment controller: the ReplicaSet of this template gets the next revision, or keeps its own. */
  private revise(d: Deployment): void {
    const hash = createHash('sha1').update(canonical(d.template)).digest('hex');
    const { [REVISION]: _revision, ...own } = d.annotations;
    const top = Math.max(0, ...d.history.map((rs) => rs.revision));
    let rs = d.history.find((r) => r.hash === hash);
    if (!rs) {
      const template = clone(d.template);
      template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, 'pod-template-hash': hash.slice(0, 10) } };
      rs = { revision: top + 1, hash, template, annotations: {} };
      d.history.push(rs);
    } else if (rs.revision !== top) {
      rs.revision = top + 1;
    }
    rs.annotations = { ...own, [REVISION]: String(rs.revision) };
    d.annotations = { ...d.annotations, [REVISION]: String(rs.revision) };
  }

  private rollOut(d: Deployment, slow: boolean): void {
    if (d.paused) return;
    if (slow) d.pending = Math.max(d.pending, this.rolloutPolls);
    if (d.pending === 0) this.settle(d);
  }

  private settle(d: Deployment): void {
    d.version++;
    const broken = d.replicas > 0 && images(d.template).some((i) => this.brokenImages.has(i));
    const ready = broken ? 0 : d.replicas;
    const progressing = broken
      ? { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet of ${d.name} has timed out progressing.` }
      : { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' };
    d.status = { observedGeneration: d.generation, replicas: d.replicas, updatedReplicas: d.replicas, readyReplicas: ready, availableReplicas: ready, conditions: [progressing] };
  }

  private view(d: Deployment): DeploymentView {
    const { pending, status, history: _history, template, version, paused, unsynced, ...rest } = d;
    return clone({
      ...rest,
      resourceVersion: String(version),
      namespace: 'shop',
      template: template as PodTemplate,
      templateLabels: template.metadata?.labels ?? {},
      containers: (template.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image })),
      ...(paused ? { paused } : {}),
      // Until the controller has rolled it out, it has not observed this generation.
      status: pending > 0 || (unsynced && !paused) ? { ...status, observedGeneration: d.generation - 1 } : status,
    });
  }
}
