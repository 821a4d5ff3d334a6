// Pure decisions of the canary strategy: the canary Deployment and Service made from stable's, the
// labels that keep the two apart, and how many replicas each side runs at a traffic weight.
//
// The labels are the whole design, so here is why they are what they are:
// - The canary's pods carry stable's pod labels plus `track: canary`. Whatever selects the app by its
//   usual labels (the Service in replicas mode, dashboards, a PodDisruptionBudget) sees both tracks.
// - The canary Deployment selects stable's matchLabels plus `track: canary`, so it never counts or
//   adopts stable's pods.
// - Stable's selector must not select the canary's pods either. The Deployment and ReplicaSet
//   controllers would not adopt them (they carry another owner and another pod-template-hash), but
//   whatever reads stable's selector would count them as stable's: an HPA or VPA scaling stable
//   (through the scale subresource's selector) on the canary's load, and Kubernetes documents
//   overlapping controller selectors as unsupported. Selectors are immutable and matchLabels only
//   test equality, so the tool cannot repair an overlap itself: stable's selector has to name the key
//   the canary changes, `track` (the canary pattern of the Kubernetes docs: stable's pods and
//   selector carry `track: stable`). A stable selected by `app: web` alone is refused before any write.
// - Traffic: in replicas mode the Service selects both tracks (its selector leaves `track` out). With
//   Gateway API or Istio hosts, `<service>` selects stable only (it has `track: stable`) and
//   `<service>-canary` the canary only. With Istio subsets the host Service selects both and the
//   team's DestinationRule splits them into subsets `stable` and `canary` by the `track` label.

import type { CanaryTraffic } from '../config/types';
import { failed, type Failed } from '../result';
import { MANAGED_BY } from './lock';
import type { DeploymentView, PodTemplate, ServiceView } from './ports';

export const TRACK = 'track';
export const CANARY_TRACK = 'canary';
export const CANARY_OF = 'hotfix-deployer.io/canary-of';
export const BASELINE_OF = 'hotfix-deployer.io/baseline-of';

/** The baseline's track (canary.baseline: deployment): stable's spec and image, at the canary's size. */
export const BASELINE_TRACK = 'baseline';

export const canaryName = (app: string): string => `${app}-canary`;
export const baselineName = (app: string): string => `${app}-baseline`;
export const canaryServiceName = (service: string): string => `${service}-canary`;

type Labels = Readonly<Record<string, string>>;

/** Whether an equality selector picks pods with these labels (an empty selector picks nothing here). */
export function selects(selector: Labels, labels: Labels): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((key) => labels[key] === selector[key]);
}

export function canaryPodLabels(stableLabels: Labels, track: string = CANARY_TRACK): Record<string, string> {
  const { 'pod-template-hash': _hash, ...labels } = stableLabels;
  return { ...labels, [TRACK]: track };
}

export function canarySelector(stableSelector: Labels, track: string = CANARY_TRACK): Record<string, string> {
  return { ...stableSelector, [TRACK]: track };
}

export interface Split {
  readonly stable: number;
  readonly canary: number;
}

/**
 * Replicas of each track at a weight. Replicas mode: the canary takes ceil(total * weight / 100) of
 * the total and stable the rest, so the share is the replica ratio. Mesh modes: the canary is sized
 * for its share the same way, and stable stays whole, ready to take everything back at once.
 */
export function plannedReplicas(traffic: CanaryTraffic, total: number, weight: number): Split {
  const w = Math.min(100, Math.max(0, Math.round(weight)));
  // Integer ceiling: no floating-point rounding at exact multiples.
  const canary = Math.min(total, Math.floor((total * w + 99) / 100));
  return { canary, stable: traffic === 'replicas' ? total - canary : total };
}

/** The canary's share of traffic that a replica split gives, in percent. */
export function replicaShare(split: Split): number {
  const total = split.stable + split.canary;
  return total === 0 ? 0 : Math.round((100 * split.canary) / total);
}

interface TemplateShape {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } & Record<string, unknown>;
  spec?: { containers?: ({ name: string; image?: string } & Record<string, unknown>)[] } & Record<string, unknown>;
}

/** Stable's pod template with the canary label and the new image in `container` (the baseline: its own label, stable's image). */
export function canaryTemplate(stable: PodTemplate, container: string, image: string | undefined, track: string = CANARY_TRACK): PodTemplate {
  const template = structuredClone(stable) as TemplateShape;
  template.metadata = { ...(template.metadata ?? {}), labels: canaryPodLabels(template.metadata?.labels ?? {}, track) };
  const spec = template.spec ?? {};
  if (image !== undefined) spec.containers = (spec.containers ?? []).map((c) => (c.name === container ? { ...c, image } : c));
  template.spec = spec;
  return template as PodTemplate;
}

export function templateImage(template: PodTemplate, container: string): string | undefined {
  return (template as TemplateShape).spec?.containers?.find((c) => c.name === container)?.image;
}

/** The canary Deployment, created on first use at 0 replicas; it carries our label, so it is ours to change. */
export function canaryDeployment(stable: DeploymentView, container: string, image: string, annotations: Labels): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: canaryName(stable.name),
      labels: { ...stable.labels, ...MANAGED_BY, [CANARY_OF]: stable.name },
      annotations,
    },
    spec: {
      replicas: 0,
      revisionHistoryLimit: 3,
      ...(stable.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: stable.progressDeadlineSeconds } : {}),
      selector: { matchLabels: canarySelector(stable.selector) },
      template: canaryTemplate(stable.template, container, image),
    },
  };
}

/**
 * `<app>-baseline`, created on first use at 0 replicas: stable's spec and image, its pods labelled
 * track: baseline, so metrics compare the canary with pods as young as it and as loaded.
 */
export function baselineDeployment(stable: DeploymentView, annotations: Labels): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: baselineName(stable.name), labels: { ...stable.labels, ...MANAGED_BY, [BASELINE_OF]: stable.name }, annotations },
    spec: {
      replicas: 0,
      revisionHistoryLimit: 3,
      ...(stable.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: stable.progressDeadlineSeconds } : {}),
      selector: { matchLabels: canarySelector(stable.selector, BASELINE_TRACK) },
      template: canaryTemplate(stable.template, '', undefined, BASELINE_TRACK),
    },
  };
}

/** `<service>-canary` for Gateway API and Istio hosts: the stable Service's ports, selecting the canary track only. */
export function canaryService(service: ServiceView, annotations: Labels): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: canaryServiceName(service.name), labels: { ...MANAGED_BY, [CANARY_OF]: service.name }, annotations },
    spec: {
      selector: { ...service.selector, [TRACK]: CANARY_TRACK },
      ports: (service.ports ?? []).map((p) => ({
        port: p.port,
        ...(p.name !== undefined ? { name: p.name } : {}),
        ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
        ...(p.protocol !== undefined ? { protocol: p.protocol } : {}),
      })),
    },
  };
}

const show = (labels: Labels) => JSON.stringify(labels);

/** Why the labels cannot carry a canary here (see the top of this file), or undefined when they can. */
export function labelProblem(stable: DeploymentView, service: ServiceView | undefined, routing: 'replicas' | 'hosts' | 'subsets', canaryServiceView?: ServiceView): Failed | undefined {
  const canaryLabels = canaryPodLabels(stable.templateLabels);
  if (selects(stable.selector, canaryLabels)) {
    return failed(
      `Deployment ${stable.name}'s selector ${show(stable.selector)} would also select the canary's pods (${show(canaryLabels)}), so autoscalers and tools reading it would count them as stable's.`,
      `Label ${stable.name}'s pods and its selector with ${TRACK}: stable (selectors are immutable: recreate the Deployment with it), as in the Kubernetes canary pattern.`,
    );
  }
  if (!service) return undefined;
  const name = service.name;
  if (!selects(service.selector, stable.templateLabels)) {
    return failed(`Service ${name} (selector ${show(service.selector)}) does not select ${stable.name}'s pods (${show(stable.templateLabels)}).`, 'Check the target\'s service and app.');
  }
  const both = selects(service.selector, canaryLabels);
  if (routing !== 'hosts' && !both) {
    return failed(
      `Service ${name} (selector ${show(service.selector)}) would not select the canary's pods (${show(canaryLabels)}), so the canary would get no traffic.`,
      routing === 'replicas' ? `For traffic: replicas, leave ${TRACK} out of the Service's selector.` : `For Istio subsets, the host Service selects both tracks; the DestinationRule splits them by ${TRACK}.`,
    );
  }
  if (routing === 'hosts' && both) {
    return failed(
      `Service ${name} (selector ${show(service.selector)}) also selects the canary's pods, so its backend would send the canary more than its weight.`,
      `Select ${TRACK}: stable in Service ${name} (and label ${stable.name}'s pods with it first); ${canaryServiceName(name)} selects ${TRACK}: canary.`,
    );
  }
  if (routing === 'hosts' && canaryServiceView) {
    const c = canaryServiceView;
    if (!selects(c.selector, canaryLabels) || selects(c.selector, stable.templateLabels)) {
      return failed(`Service ${c.name} (selector ${show(c.selector)}) must select the canary's pods (${show(canaryLabels)}) and not ${stable.name}'s.`, `Fix its selector, or delete it and the tool creates it.`);
    }
  }
  return undefined;
}
