// The pause written on the GitOps object itself (annotations, the source of truth: a teammate on
// another machine can restore it) and the pure decisions of pausing and restoring: which merge patch,
// or why none. The previous policy is kept as JSON so the restore puts back exactly what was there.

import type { CustomObjectView } from '../deploy/ports';
import type { GitOpsController } from './detect';

export const PAUSED_BY = 'hotfix-deployer.io/paused-by';
export const PAUSED_AT = 'hotfix-deployer.io/paused-at';
export const PREVIOUS = 'hotfix-deployer.io/previous-sync-policy';
export const PAUSE_INCIDENT = 'hotfix-deployer.io/incident';
export const PAUSE_OPERATION = 'hotfix-deployer.io/operation';
const MARKS = [PAUSED_BY, PAUSED_AT, PREVIOUS, PAUSE_INCIDENT, PAUSE_OPERATION] as const;

export interface PauseMark {
  readonly by: string;
  readonly at: string;
  /** JSON: Argo CD's automated policy, or Flux's `{"suspend":false}`. */
  readonly previous: string;
  readonly incident?: string;
  readonly operation?: string;
}

export function pauseMark(annotations: Readonly<Record<string, string>>): PauseMark | undefined {
  const by = annotations[PAUSED_BY];
  const previous = annotations[PREVIOUS];
  if (by === undefined || previous === undefined) return undefined;
  const incident = annotations[PAUSE_INCIDENT];
  const operation = annotations[PAUSE_OPERATION];
  return { by, at: annotations[PAUSED_AT] ?? '', previous, ...(incident ? { incident } : {}), ...(operation ? { operation } : {}) };
}

const asRecord = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

function automatedOf(object: CustomObjectView): unknown {
  return asRecord(object.spec['syncPolicy'])?.['automated'] ?? null;
}

/** Auto-sync is on now: Argo CD `automated` set (and not `enabled: false`), Flux not suspended. */
function syncing(controller: GitOpsController, object: CustomObjectView): boolean {
  if (controller === 'flux') return object.spec['suspend'] !== true;
  const automated = asRecord(automatedOf(object));
  return automated !== undefined && automated['enabled'] !== false;
}

export type PausePlan =
  | { readonly kind: 'pause'; readonly patch: Readonly<Record<string, unknown>>; readonly previous: string }
  /** Paused by this tool already: no second pause, the original previous policy stays. */
  | { readonly kind: 'already-paused'; readonly mark: PauseMark }
  /** Auto-sync is off, by someone else's hand: nothing to pause, nothing to restore. */
  | { readonly kind: 'not-syncing' };

export interface PauseInput {
  readonly actor: string;
  readonly at: string;
  readonly incident?: string;
  readonly operation?: string;
}

export function planPause(controller: GitOpsController, object: CustomObjectView, input: PauseInput): PausePlan {
  const mark = pauseMark(object.annotations);
  if (mark) return { kind: 'already-paused', mark };
  if (!syncing(controller, object)) return { kind: 'not-syncing' };
  const previous = controller === 'argocd' ? JSON.stringify(automatedOf(object)) : JSON.stringify({ suspend: object.spec['suspend'] ?? false });
  const annotations = {
    [PAUSED_BY]: input.actor,
    [PAUSED_AT]: input.at,
    [PREVIOUS]: previous,
    ...(input.incident ? { [PAUSE_INCIDENT]: input.incident } : {}),
    ...(input.operation ? { [PAUSE_OPERATION]: input.operation } : {}),
  };
  // resourceVersion makes the write a compare-and-swap: a change since the read is a 409, read again.
  const metadata = { resourceVersion: object.resourceVersion, annotations };
  const spec = controller === 'argocd' ? { syncPolicy: { automated: null } } : { suspend: true };
  return { kind: 'pause', patch: { metadata, spec }, previous };
}

export type RestorePlan =
  | { readonly kind: 'restore'; readonly patch: Readonly<Record<string, unknown>>; readonly mark: PauseMark }
  /** Someone turned auto-sync back on (or changed it) meanwhile: their policy stays, only our marks go. */
  | { readonly kind: 'changed-meanwhile'; readonly patch: Readonly<Record<string, unknown>>; readonly mark: PauseMark; readonly now: string }
  | { readonly kind: 'not-paused' }
  /** The mark's previous policy is not JSON this tool wrote: nothing is guessed. */
  | { readonly kind: 'unreadable'; readonly mark: PauseMark; readonly reason: string };

const unmark = (resourceVersion: string) => ({ resourceVersion, annotations: Object.fromEntries(MARKS.map((k) => [k, null])) });

export function planRestore(controller: GitOpsController, object: CustomObjectView): RestorePlan {
  const mark = pauseMark(object.annotations);
  if (!mark) return { kind: 'not-paused' };
  if (syncing(controller, object)) {
    const now = controller === 'argocd' ? JSON.stringify(automatedOf(object)) : JSON.stringify({ suspend: object.spec['suspend'] ?? false });
    return { kind: 'changed-meanwhile', patch: { metadata: unmark(object.resourceVersion) }, mark, now };
  }
  let previous: unknown;
  try {
    previous = JSON.parse(mark.previous);
  } catch {
    return { kind: 'unreadable', mark, reason: `${PREVIOUS} is not JSON: ${mark.previous.slice(0, 200)}` };
  }
  const prev = asRecord(previous);
  if (controller === 'argocd') {
    if (!prev) return { kind: 'unreadable', mark, reason: `${PREVIOUS} is not an automated policy: ${mark.previous.slice(0, 200)}` };
    return { kind: 'restore', mark, patch: { metadata: unmark(object.resourceVersion), spec: { syncPolicy: { automated: prev } } } };
  }
  const suspend = prev?.['suspend'];
  if (typeof suspend !== 'boolean') return { kind: 'unreadable', mark, reason: `${PREVIOUS} has no suspend: ${mark.previous.slice(0, 200)}` };
  return { kind: 'restore', mark, patch: { metadata: unmark(object.resourceVersion), spec: { suspend } } };
}
