// The incident as people see it: the current view, derived by folding the immutable timeline
// (fold.ts), never stored on its own. Vocabulary: statuses, impact levels, severity descriptions.

import { SEVERITIES, type Severity } from '../severity';
import type { IncidentEvent } from './events';

/** The lifecycle of Atlassian Statuspage and incident.io; see transitions.ts for the moves allowed. */
export const STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof STATUSES)[number];
export type OpenStatus = Exclude<IncidentStatus, 'resolved'>;

/** How bad it is for users, separate from severity (how urgent for us); Statuspage's vocabulary plus `low`. */
export const IMPACT_LEVELS = ['none', 'low', 'medium', 'high', 'critical'] as const;
export type ImpactLevel = (typeof IMPACT_LEVELS)[number];

export interface Impact {
  readonly level: ImpactLevel;
  /** What users see, in words: `checkout fails for EU cards`. */
  readonly summary?: string;
}

export type SeverityDescriptions = Readonly<Record<Severity, string>>;

/** The defaults; a team's own (configuration, later) replace any of them. */
export const DEFAULT_SEVERITY_DESCRIPTIONS: SeverityDescriptions = {
  SEV0: 'Critical: the service is down or losing data for all customers. All hands, page everyone now.',
  SEV1: 'Major: a core function (payments, sign-in, checkout) is broken for many customers. Page the on-call.',
  SEV2: 'Significant: a feature is degraded or broken for some customers, or a workaround exists. Fix today.',
  SEV3: 'Minor: limited impact, nothing customers notice much. Fix in working hours.',
};

export function severityDescriptions(overrides: Partial<Record<Severity, string>> = {}): SeverityDescriptions {
  const merged = { ...DEFAULT_SEVERITY_DESCRIPTIONS };
  for (const level of SEVERITIES) {
    const text = overrides[level]?.trim();
    if (text) merged[level] = text;
  }
  return merged;
}

export interface ActionItem {
  readonly text: string;
  /** Without the `@`: `ada` for `add validation @ada`. */
  readonly owner?: string;
}

export interface Eta {
  /** As the person wrote it: `15 minutes`, `after the cache warms`. */
  readonly text: string;
  /** The absolute time, when the text was a duration or a timestamp (ISO 8601, UTC). */
  readonly until?: string;
}

export type LinkKind = 'war-room' | 'status-page' | 'other';

export interface Link {
  readonly kind: LinkKind;
  readonly url: string;
  readonly label?: string;
}

export interface StatusEntry {
  readonly status: IncidentStatus;
  readonly at: string;
  readonly by: string;
  readonly reason?: string;
}

export interface DeployLink {
  readonly target: string;
  readonly image?: string;
  readonly at: string;
  readonly outcome: 'started' | 'succeeded' | 'failed';
}

export interface RollbackLink {
  readonly target: string;
  readonly at: string;
  readonly to?: string;
}

export interface Incident {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly impact: Impact;
  readonly status: IncidentStatus;
  readonly declaredAt: string;
  readonly declaredBy: string;
  /** The time of the last event of any kind. */
  readonly updatedAt: string;
  /** Every status the incident went through, each with its time and who set it. */
  readonly statusHistory: readonly StatusEntry[];
  readonly commander?: string;
  readonly responders: readonly string[];
  readonly warRoom?: string;
  readonly statusPage?: string;
  readonly links: readonly Link[];
  readonly components: readonly string[];
  readonly eta?: Eta;
  readonly rootCause?: string;
  readonly actionItems: readonly ActionItem[];
  readonly hotfixes: readonly string[];
  readonly deploys: readonly DeployLink[];
  readonly rollbacks: readonly RollbackLink[];
  readonly resolvedAt?: string;
  readonly resolvedBy?: string;
  readonly reopened: number;
  readonly postmortemDraftedAt?: string;
  /** Corrections by the id of the event they correct, in the order written. */
  readonly corrections: Readonly<Record<string, readonly string[]>>;
  /** The timeline it was folded from, in the order it was written. */
  readonly events: readonly IncidentEvent[];
}

export function isOpen(incident: Pick<Incident, 'status'>): boolean {
  return incident.status !== 'resolved';
}
