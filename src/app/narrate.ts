// How the validate, verify, gitops, running and audit operations tell the person what happened beside
// their outcome, through the Interaction: the incident timeline recorded (or why not) and each
// notification channel, and the line that says where a target is before anything is read from it.

import type { OpenDeploy } from '../adapters/deploy-workspace';
import type { OpenWorkspace } from '../adapters/workspace';
import { plainText } from '../core/incident/describe';
import { failed, type Failed, type FailureKind } from '../core/result';
import type { Remedy } from '../core/remedy';
import type { AppEnv } from './env';
import type { IncidentLink } from './incident-link';

/** What the incident link did: recorded (and each channel told), or why not. */
export function noteLink(env: AppEnv, link: IncidentLink): void {
  if (link.note) {
    env.interaction.warn(`the incident timeline was not updated: ${link.note}`);
    return;
  }
  if (!link.incident) return;
  env.interaction.note(`recorded in ${link.incident}'s timeline`);
  for (const p of link.notified ?? []) env.interaction.note(`  notified ${p.channel}: ${p.ok ? '' : 'FAILED: '}${plainText.text(p.detail)}`);
  if (link.notifyNote) env.interaction.warn(`${plainText.text(link.notifyNote)}; the ${link.incident} timeline is updated regardless.`);
}

/** `target web (rolling, protected): context kind-prod (https://…), namespace shop`: said before anything is read. */
export function noteTarget(env: AppEnv, opened: OpenDeploy): void {
  const { kube, target: t } = opened;
  env.interaction.note(`target ${t.name} (${t.strategy}${t.protected ? ', protected' : ''}): context ${kube.context} (${kube.server}), namespace ${t.namespace}`);
}

/** `repository /src/shop (gitflow, production: production)`: said before a hotfix operation reads git. */
export function noteRepository(env: AppEnv, opened: OpenWorkspace): void {
  const { location, context } = opened;
  env.interaction.note(`repository ${location.root} (${context.settings.model}, production: ${context.settings.productionBranch})`);
}

/** `context kind-prod (https://…), namespace shop`: where a change lands, for a confirmation. */
export function whereOf(opened: OpenDeploy): string {
  return `context ${opened.kube.context} (${opened.kube.server}), namespace ${opened.target.namespace}`;
}

/** A refusal of an operation: nothing was done; the front ends render the failure (its kind, its remedies). */
export interface Refused {
  readonly kind: 'refused';
  readonly failed: Failed;
  /** Structured data the outcome carries besides the words (a --json document's fields). */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** The person said no or dismissed a question: nothing was done, and nothing failed. */
export interface Cancelled {
  readonly kind: 'cancelled';
}

export const CANCELLED: Cancelled = { kind: 'cancelled' };

/** Whether a step refused instead of giving its value. */
export function isRefused(value: object): value is Refused {
  return 'kind' in value && value.kind === 'refused';
}

/** Whether a step ended the operation (refused or cancelled) instead of giving its value. */
export function stopped(value: object): value is Refused | Cancelled {
  return 'kind' in value && (value.kind === 'refused' || value.kind === 'cancelled');
}

export function refusedWith(failure: Pick<Failed, 'reason' | 'hint' | 'failure' | 'remedies'>, data?: Readonly<Record<string, unknown>>): Refused {
  const f: Failed = { ...failed(failure.reason, failure.hint, failure.remedies), ...(failure.failure ? { failure: failure.failure } : {}) };
  return { kind: 'refused', failed: f, ...(data ? { data } : {}) };
}

export function refusal(reason: string, hint?: string, failure?: FailureKind, remedies?: readonly Remedy[], data?: Readonly<Record<string, unknown>>): Refused {
  return refusedWith({ reason, ...(hint !== undefined ? { hint } : {}), ...(failure ? { failure } : {}), ...(remedies ? { remedies } : {}) }, data);
}

export const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
