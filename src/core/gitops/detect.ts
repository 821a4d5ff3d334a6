// Which GitOps controller owns a target, read from the labels and annotations Argo CD and Flux put on
// what they apply, and what that controller will do to an imperative change: revert it within seconds
// (Argo CD selfHeal), at the next sync or reconcile, or not at all (auto-sync off, suspended, paused).

import type { Target } from '../config/targets';
import type { Cluster, CustomObjectView, CustomResource } from '../deploy/ports';
import { pauseMark, type PauseMark } from './marks';

export type GitOpsController = 'argocd' | 'flux';
export type GitOpsKind = 'Application' | 'Kustomization' | 'HelmRelease';

/** An object that claims the target, as found on its labels (before the object itself is read). */
export interface OwnerRef {
  readonly controller: GitOpsController;
  readonly kind: GitOpsKind;
  readonly namespace: string;
  readonly name: string;
  /** Where it was found: `label argocd.argoproj.io/instance=web on Deployment web`. */
  readonly via: string;
}

export interface GitOpsOwner extends OwnerRef {
  /** For people and the timeline: `Argo CD Application argocd/web`. */
  readonly label: string;
  readonly exists: boolean;
  /** Whether the controller will put the manifests back over an imperative change. */
  readonly autoSync: boolean;
  readonly selfHeal?: boolean;
  /** Flux: how often it reconciles (`10m`). */
  readonly interval?: string;
  readonly revertsWhen: string;
  /** What the controller last applied: Argo `status.sync.revision`, Flux `status.lastAppliedRevision` (`main@sha1:abc…`). */
  readonly appliedRevision?: string;
  readonly paused?: PauseMark;
  /** The API version the server serves, for writes; absent when the kind is not served at all. */
  readonly resource?: CustomResource;
}

export const ARGO_INSTANCE = 'argocd.argoproj.io/instance';
export const ARGO_TRACKING = 'argocd.argoproj.io/tracking-id';
const FLUX = {
  Kustomization: 'kustomize.toolkit.fluxcd.io',
  HelmRelease: 'helm.toolkit.fluxcd.io',
} as const;

/** Each kind's API group, its versions newest first, and its plural. */
export const KINDS: Readonly<Record<GitOpsKind, { readonly group: string; readonly versions: readonly string[]; readonly plural: string }>> = {
  Application: { group: 'argoproj.io', versions: ['v1alpha1'], plural: 'applications' },
  Kustomization: { group: 'kustomize.toolkit.fluxcd.io', versions: ['v1', 'v1beta2'], plural: 'kustomizations' },
  HelmRelease: { group: 'helm.toolkit.fluxcd.io', versions: ['v2', 'v2beta2', 'v2beta1'], plural: 'helmreleases' },
};

export function ownerLabel(ref: Pick<OwnerRef, 'controller' | 'kind' | 'namespace' | 'name'>): string {
  return `${ref.controller === 'argocd' ? 'Argo CD' : 'Flux'} ${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** An Argo CD application name: `web` (in argocdNamespace) or `team-a_web` (apps in any namespace). */
function argoApp(value: string, argocdNamespace: string): { namespace: string; name: string } | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  const at = v.indexOf('_');
  return at > 0 && at < v.length - 1 ? { namespace: v.slice(0, at), name: v.slice(at + 1) } : { namespace: argocdNamespace, name: v };
}

export interface LabelledObject {
  /** `Deployment web`, `Service web`. */
  readonly what: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** The owners the objects' labels and annotations name, each once (the first place found is kept). */
export function ownerRefs(objects: readonly LabelledObject[], argocdNamespace: string, defaultNamespace: string): OwnerRef[] {
  const found = new Map<string, OwnerRef>();
  const add = (ref: OwnerRef) => {
    const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
    if (!found.has(key)) found.set(key, ref);
  };
  for (const o of objects) {
    const instance = o.labels[ARGO_INSTANCE];
    const fromLabel = instance !== undefined ? argoApp(instance, argocdNamespace) : undefined;
    if (fromLabel) add({ controller: 'argocd', kind: 'Application', ...fromLabel, via: `label ${ARGO_INSTANCE}=${instance} on ${o.what}` });
    // `<app>:<group>/<kind>:<namespace>/<name>`: the application is what precedes the first colon.
    const tracking = o.annotations[ARGO_TRACKING];
    const app = tracking !== undefined && tracking.includes(':') ? argoApp(tracking.slice(0, tracking.indexOf(':')), argocdNamespace) : undefined;
    if (app) add({ controller: 'argocd', kind: 'Application', ...app, via: `annotation ${ARGO_TRACKING}=${tracking} on ${o.what}` });
    for (const kind of ['Kustomization', 'HelmRelease'] as const) {
      const name = o.labels[`${FLUX[kind]}/name`]?.trim();
      if (!name) continue;
      const namespace = o.labels[`${FLUX[kind]}/namespace`]?.trim() || defaultNamespace;
      add({ controller: 'flux', kind, namespace, name, via: `label ${FLUX[kind]}/name=${name} on ${o.what}` });
    }
  }
  return [...found.values()];
}

const record = (v: unknown): Readonly<Record<string, unknown>> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** Argo CD's automated policy, or undefined when auto-sync is off (absent, null, or `enabled: false` in Argo CD 3). */
export function argoAutomated(spec: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | undefined {
  const automated = record(record(spec['syncPolicy'])?.['automated']);
  return automated && automated['enabled'] !== false ? automated : undefined;
}

/** What the controller will do, from the object as read (undefined: labelled, but not found). */
export function inspectOwner(ref: OwnerRef, object: CustomObjectView | undefined, resource?: CustomResource): GitOpsOwner {
  const label = ownerLabel(ref);
  const base = { ...ref, label, ...(resource ? { resource } : {}) };
  if (!object) {
    const why = resource ? 'was not found' : `cannot be read: the cluster does not serve ${KINDS[ref.kind].group}`;
    return { ...base, exists: false, autoSync: false, revertsWhen: `unknown: ${label} (${ref.via}) ${why}; check that nothing else syncs the target` };
  }
  const paused = pauseMark(object.annotations);
  const status = object.status ?? {};
  const pausedNote = paused ? `; auto-sync paused by ${paused.by} since ${paused.at}${paused.incident ? ` for ${paused.incident}` : ''}` : '';
  if (ref.controller === 'argocd') {
    const automated = argoAutomated(object.spec);
    const selfHeal = automated?.['selfHeal'] === true;
    const revision = record(status['sync'])?.['revision'];
    return {
      ...base,
      exists: true,
      autoSync: automated !== undefined,
      ...(automated ? { selfHeal } : {}),
      revertsWhen: automated
        ? selfHeal
          ? 'within seconds: automated sync with selfHeal puts the manifests back over any live change'
          : 'at the next automated sync, when a new commit reaches the manifests (no selfHeal)'
        : `only on a manual sync: auto-sync is off${pausedNote}`,
      ...(typeof revision === 'string' && revision !== '' ? { appliedRevision: revision } : {}),
      ...(paused ? { paused } : {}),
    };
  }
  const suspended = object.spec['suspend'] === true;
  const interval = typeof object.spec['interval'] === 'string' ? object.spec['interval'] : undefined;
  const revision = status['lastAppliedRevision'];
  return {
    ...base,
    exists: true,
    autoSync: !suspended,
    ...(interval !== undefined ? { interval } : {}),
    revertsWhen: suspended ? `not while suspended${pausedNote}` : `at the next reconcile (every ${interval ?? 'interval'}), and on every new commit`,
    ...(typeof revision === 'string' && revision !== '' ? { appliedRevision: revision } : {}),
    ...(paused ? { paused } : {}),
  };
}

/** The kind at the version the server serves (undefined when it serves none: the CRD is not installed). */
export async function resourceFor(cluster: Cluster, kind: GitOpsKind): Promise<CustomResource | undefined> {
  const k = KINDS[kind];
  const version = await cluster.servedVersion(k.group, k.versions);
  return version ? { group: k.group, version, plural: k.plural, kind } : undefined;
}

/** The Deployments a target's strategy runs, and its Service. */
export function targetObjects(target: Pick<Target, 'app' | 'strategy' | 'service'>): { deployments: string[]; service: string } {
  const deployments =
    target.strategy === 'blue-green' ? [`${target.app}-blue`, `${target.app}-green`] : target.strategy === 'canary' ? [target.app, `${target.app}-canary`] : [target.app];
  return { deployments, service: target.service };
}

/** The target's GitOps owners, each with what it will do to an imperative change; none when nothing claims it. */
export async function detectOwners(cluster: Cluster, target: Target): Promise<GitOpsOwner[]> {
  const { deployments, service } = targetObjects(target);
  const [found, svc] = await Promise.all([Promise.all(deployments.map((name) => cluster.getDeployment(target.namespace, name))), cluster.getService(target.namespace, service)]);
  const objects: LabelledObject[] = [];
  found.forEach((d) => d && objects.push({ what: `Deployment ${d.name}`, labels: d.labels, annotations: d.annotations }));
  if (svc) objects.push({ what: `Service ${svc.name}`, labels: svc.labels ?? {}, annotations: svc.annotations });
  const refs = ownerRefs(objects, target.gitops.argocdNamespace, target.namespace);
  if (refs.length === 0) return [];
  const resources = new Map<GitOpsKind, Promise<CustomResource | undefined>>();
  return Promise.all(
    refs.map(async (ref) => {
      let resource = resources.get(ref.kind);
      if (!resource) resources.set(ref.kind, (resource = resourceFor(cluster, ref.kind)));
      const r = await resource;
      return inspectOwner(ref, r ? await cluster.getCustomObject(ref.namespace, ref.name, r) : undefined, r);
    }),
  );
}
