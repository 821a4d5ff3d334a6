// The incident timeline's typed events. Events are immutable and hold intent only (`to: identified`,
// never `from`): a write that lost a race re-applies the same events to the newer timeline.

import { SEVERITIES, type Severity } from '../severity';
import { IMPACT_LEVELS, STATUSES, type ActionItem, type Impact, type LinkKind, type OpenStatus } from './model';

export type EventPayload =
  | {
      readonly type: 'declared';
      readonly title: string;
      readonly severity: Severity;
      readonly impact: Impact;
      readonly commander?: string;
      readonly responders?: readonly string[];
      readonly warRoom?: string;
      readonly statusPage?: string;
      readonly components?: readonly string[];
    }
  | { readonly type: 'status-changed'; readonly to: OpenStatus; readonly reason?: string }
  | { readonly type: 'reopened'; readonly to: OpenStatus; readonly reason: string }
  | { readonly type: 'title-changed'; readonly title: string }
  | { readonly type: 'severity-changed'; readonly to: Severity }
  | { readonly type: 'impact-set'; readonly impact: Impact }
  | { readonly type: 'eta-set'; readonly text: string; readonly until?: string }
  | { readonly type: 'commander-set'; readonly name: string }
  | { readonly type: 'responder-added'; readonly name: string }
  | { readonly type: 'components-affected'; readonly components: readonly string[] }
  | { readonly type: 'link-added'; readonly kind: LinkKind; readonly url: string; readonly label?: string }
  | { readonly type: 'note'; readonly text: string }
  | { readonly type: 'hotfix-created'; readonly branch: string; readonly issueKey?: string }
  | {
      readonly type: 'hotfix-finished';
      readonly branch: string;
      readonly tag?: string;
      /** The branches the fix went into (production, then develop or main). */
      readonly into: readonly string[];
      /** The fix's commits, oldest first (at most 50). */
      readonly commits: readonly { readonly sha: string; readonly subject: string }[];
      readonly pushed: boolean;
    }
  | { readonly type: 'deploy-started'; readonly target: string; readonly image: string; readonly strategy?: string }
  | { readonly type: 'deploy-succeeded'; readonly target: string; readonly image: string }
  | { readonly type: 'deploy-failed'; readonly target: string; readonly image?: string; readonly reason: string }
  | { readonly type: 'rollback'; readonly target: string; readonly to?: string; readonly reason?: string }
  /** A finish's pull (merge) request into a branch: opened, then merged by the forge. */
  | { readonly type: 'pull-request'; readonly branch: string; readonly into: string; readonly number: number; readonly url: string; readonly state: 'opened' | 'merged' }
  /** A verb sent to an Argo Rollout (promote, abort, retry, pause, resume, undo, restart), and what it did. */
  | { readonly type: 'rollout-action'; readonly target: string; readonly rollout: string; readonly action: string; readonly text: string }
  | {
      readonly type: 'gate-verdict';
      readonly target: string;
      readonly pass: boolean;
      readonly reason: string;
      readonly step?: string;
      /** The numbers behind the verdict: each gate's query, value, bound and window. */
      readonly measurements?: readonly GateNumbers[];
    }
  | { readonly type: 'validated'; readonly suite: string; readonly target?: string; readonly pass: boolean; readonly summary: string; readonly sha?: string }
  | { readonly type: 'validation-overridden'; readonly suite: string; readonly target: string; readonly reason: string }
  | {
      readonly type: 'drift-found';
      readonly target: string;
      /** The commit the cluster runs, and the image it was read from. */
      readonly runningSha: string;
      readonly image: string;
      /** Which rule mapped the image to the commit (annotation, oci-revision, tag-pattern, image-tag, image-sha). */
      readonly via: string;
      /** The production release tag (or branch tip) it differs from. */
      readonly expected: string;
      readonly expectedSha: string;
    }
  | {
      readonly type: 'gitops-paused';
      readonly target: string;
      /** e.g. "Argo CD Application argocd/web" or "Flux Kustomization flux-system/apps". */
      readonly object: string;
      /** What was there before (the automated policy, or suspend: false), as JSON. */
      readonly previous: string;
      /** How it will be restored, for the person reading the timeline. */
      readonly restore: string;
    }
  | { readonly type: 'gitops-restored'; readonly target: string; readonly object: string; readonly reason?: string }
  | {
      readonly type: 'manifests-prepared';
      readonly target: string;
      /** The manifests clone, the new branch and its commit. */
      readonly repo: string;
      readonly branch: string;
      readonly commit: string;
      readonly summary: string;
      /** The request's address, or where to open one when none was opened through the forge's API. */
      readonly pullRequest?: string;
      /** The request opened (or found) through the forge's API: what a restore waits to be merged. Absent in older records. */
      readonly pullRequestNumber?: number;
    }
  | { readonly type: 'resolved'; readonly rootCause: string; readonly actionItems: readonly ActionItem[] }
  | { readonly type: 'postmortem-drafted'; readonly file?: string }
  | { readonly type: 'correction'; readonly corrects: string; readonly text: string };

export type EventType = EventPayload['type'];

/** One measurement of a gate as the timeline keeps it. */
export interface GateNumbers {
  readonly gate: string;
  readonly value?: number;
  readonly threshold?: number;
  readonly comparison?: string;
  readonly query?: string;
  readonly window?: string;
  readonly verdict?: string;
  /** Judged against the baseline (compare: baseline): the line and its numbers. */
  readonly against?: {
    readonly verdict: string;
    readonly line: string;
    readonly tolerance: number;
    readonly p?: number;
    readonly u?: number;
    readonly ratio?: number;
    readonly cliffsDelta?: number;
    readonly canaryMedian?: number;
    readonly canarySamples?: number;
    readonly baselineMedian?: number;
    readonly baselineSamples?: number;
  };
}

export interface EventMeta {
  /** Unique within the incident (random hex): what a correction points at, and how a retried write knows it already landed. */
  readonly id: string;
  /** When it happened (ISO 8601, UTC), fixed when the event is made, kept through retries. */
  readonly at: string;
  readonly actor: string;
}

export type IncidentEvent = EventMeta & EventPayload;

export const EVENT_TYPES: readonly EventType[] = [
  'declared', 'status-changed', 'reopened', 'title-changed', 'severity-changed', 'impact-set', 'eta-set',
  'commander-set', 'responder-added', 'components-affected', 'link-added', 'note', 'hotfix-created', 'hotfix-finished',
  'deploy-started', 'deploy-succeeded', 'deploy-failed', 'rollback', 'rollout-action', 'pull-request', 'gate-verdict', 'validated', 'validation-overridden',
  'drift-found', 'gitops-paused', 'gitops-restored', 'manifests-prepared', 'resolved',
  'postmortem-drafted', 'correction',
];

const str = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown): boolean => v === undefined || typeof v === 'string';
const strings = (v: unknown): boolean => Array.isArray(v) && v.every(str);
const openStatus = (v: unknown): boolean => str(v) && v !== 'resolved' && (STATUSES as readonly string[]).includes(v);
const severity = (v: unknown): boolean => str(v) && (SEVERITIES as readonly string[]).includes(v);
const impact = (v: unknown): boolean => {
  const i = v as Partial<Impact> | undefined;
  return typeof i === 'object' && i !== null && str(i.level) && (IMPACT_LEVELS as readonly string[]).includes(i.level) && optStr(i.summary);
};

/**
 * Checks the shape of an event read from a store (a file a person may have edited, a ConfigMap):
 * undefined when it is well formed, else what is wrong with it.
 */
export function eventShapeError(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const e = value as Record<string, unknown>;
  if (!str(e.id) || !str(e.at) || !str(e.actor) || Number.isNaN(Date.parse(e.at))) return 'missing id, at or actor';
  if (!str(e.type) || !(EVENT_TYPES as readonly string[]).includes(e.type)) return `unknown event type ${JSON.stringify(e.type)} (written by a newer version?)`;
  const ok = ((): boolean => {
    switch (e.type as EventType) {
      case 'declared':
        return str(e.title) && severity(e.severity) && impact(e.impact) && optStr(e.commander) && optStr(e.warRoom) && optStr(e.statusPage) &&
          (e.responders === undefined || strings(e.responders)) && (e.components === undefined || strings(e.components));
      case 'status-changed':
        return openStatus(e.to) && optStr(e.reason);
      case 'reopened':
        return openStatus(e.to) && str(e.reason);
      case 'title-changed':
        return str(e.title);
      case 'severity-changed':
        return severity(e.to);
      case 'impact-set':
        return impact(e.impact);
      case 'eta-set':
        return str(e.text) && optStr(e.until);
      case 'commander-set':
      case 'responder-added':
        return str(e.name);
      case 'components-affected':
        return strings(e.components);
      case 'link-added':
        return (e.kind === 'war-room' || e.kind === 'status-page' || e.kind === 'other') && str(e.url) && optStr(e.label);
      case 'note':
        return str(e.text);
      case 'hotfix-created':
        return str(e.branch) && optStr(e.issueKey);
      case 'hotfix-finished':
        return str(e.branch) && optStr(e.tag) && strings(e.into) && typeof e.pushed === 'boolean' && Array.isArray(e.commits) &&
          e.commits.every((c) => typeof c === 'object' && c !== null && str((c as { sha?: unknown }).sha) && str((c as { subject?: unknown }).subject));
      case 'deploy-started':
      case 'deploy-succeeded':
        return str(e.target) && str(e.image) && optStr(e.strategy);
      case 'deploy-failed':
        return str(e.target) && optStr(e.image) && str(e.reason);
      case 'rollback':
        return str(e.target) && optStr(e.to) && optStr(e.reason);
      case 'rollout-action':
        return str(e.target) && str(e.rollout) && str(e.action) && str(e.text);
      case 'pull-request':
        return str(e.branch) && str(e.into) && typeof e.number === 'number' && str(e.url) && (e.state === 'opened' || e.state === 'merged');
      case 'gate-verdict':
        return str(e.target) && typeof e.pass === 'boolean' && str(e.reason) && optStr(e.step) &&
          (e.measurements === undefined || (Array.isArray(e.measurements) && e.measurements.every((m) => typeof m === 'object' && m !== null && str((m as GateNumbers).gate))));
      case 'validated':
        return str(e.suite) && optStr(e.target) && typeof e.pass === 'boolean' && str(e.summary) && optStr(e.sha);
      case 'validation-overridden':
        return str(e.suite) && str(e.target) && str(e.reason);
      case 'drift-found':
        return str(e.target) && str(e.runningSha) && str(e.image) && str(e.via) && str(e.expected) && str(e.expectedSha);
      case 'gitops-paused':
        return str(e.target) && str(e.object) && str(e.previous) && str(e.restore);
      case 'gitops-restored':
        return str(e.target) && str(e.object) && optStr(e.reason);
      case 'manifests-prepared':
        return str(e.target) && str(e.repo) && str(e.branch) && str(e.commit) && str(e.summary) && optStr(e.pullRequest) &&
          (e.pullRequestNumber === undefined || (Number.isSafeInteger(e.pullRequestNumber) && (e.pullRequestNumber as number) > 0));
      case 'resolved':
        return str(e.rootCause) && Array.isArray(e.actionItems) &&
          e.actionItems.every((a) => typeof a === 'object' && a !== null && str((a as ActionItem).text) && optStr((a as ActionItem).owner));
      case 'postmortem-drafted':
        return optStr(e.file);
      case 'correction':
        return str(e.corrects) && str(e.text);
    }
  })();
  return ok ? undefined : `malformed ${e.type} event`;
}
