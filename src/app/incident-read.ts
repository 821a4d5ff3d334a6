// Reading incidents for every front end: the list (open ones most severe first, or all), one incident
// with what it paused and nobody restored yet, and the post-mortem draft (recorded in the timeline,
// written to a file when one is named, never over a draft people may have edited).

import { access, writeFile } from 'node:fs/promises';
import { configuredIncidentStore } from '../adapters/incident-workspace';
import { pausedInTimeline } from '../core/gitops/guard';
import * as engine from '../core/incident/engine';
import { isOpen, type Incident } from '../core/incident/model';
import { bySeverity, listIncidents as listAll } from '../core/incident/query';
import type { IncidentStore } from '../core/incident/ports';
import { FILL_IN, remedy } from '../core/remedy';
import type { Result } from '../core/result';
import type { AppEnv } from './env';
import { incidentRefused, whichIncident, type Cancelled, type Refused } from './incident';
import { refusal } from './narrate';
import type { RepositoryLocation } from './repository';

/**
 * The store the repository's configuration chooses, for reading only (no git process, no identity):
 * the files under the git directory, or the team's cluster through `kubeconfig`. For views that list
 * every repository's incidents; changes go through the operations.
 */
export function incidentStore(location: RepositoryLocation, kubeconfig?: string): Promise<Result<IncidentStore>> {
  return configuredIncidentStore(location, kubeconfig);
}

export interface ListRequest {
  /** Resolved incidents too (newest first); else the open ones, most severe first. */
  readonly all?: boolean;
}

export interface Listed {
  readonly kind: 'listed';
  readonly incidents: readonly Incident[];
  /** Incidents whose stored timeline could not be read: named, never hiding the others. */
  readonly unreadable: readonly { readonly id: string; readonly reason: string }[];
  /** How many are resolved (not shown without `all`). */
  readonly resolved: number;
  readonly now: Date;
}

export async function listIncidents(env: AppEnv, request: ListRequest = {}): Promise<Listed | Refused> {
  const opened = await env.incidents();
  if (!opened.ok) return incidentRefused(opened);
  const ctx = opened.value.context;
  const { incidents, unreadable } = await listAll(ctx);
  const shown = request.all ? incidents : incidents.filter(isOpen).sort(bySeverity);
  return { kind: 'listed', incidents: shown, unreadable, resolved: incidents.filter((i) => !isOpen(i)).length, now: ctx.clock.now() };
}

export interface Shown {
  readonly kind: 'shown';
  readonly incident: Incident;
  readonly version: string;
  /** What the incident paused and nobody restored yet: resolving restores it, or makes it an action item. */
  readonly paused: readonly { readonly target: string; readonly object: string; readonly previous: string }[];
  readonly now: Date;
}

/** One incident: the one named, else the only open one, else the most recently resolved (several open: asked). */
export async function showIncident(env: AppEnv, request: { readonly incident?: string }): Promise<Shown | Refused | Cancelled> {
  const which = await whichIncident(env, { ...(request.incident !== undefined ? { incident: request.incident } : {}), prefer: 'open-else-resolved', operation: 'incident.show', question: 'Show which incident?' });
  if (which.kind !== 'picked') return which;
  const opened = await env.incidents();
  const now = opened.ok ? opened.value.context.clock.now() : new Date();
  return { kind: 'shown', incident: which.incident, version: which.version, paused: pausedInTimeline(which.incident.events), now };
}

export interface PostmortemRequest {
  readonly incident?: string;
  /** Write the draft to this file (an absolute path); undefined: only returned (printed, shown in an editor). */
  readonly output?: string;
  /** Overwrite `output` when it exists (it may hold a draft people have edited). */
  readonly force?: boolean;
}

export interface Drafted {
  readonly kind: 'drafted';
  readonly incident: string;
  readonly markdown: string;
  readonly file?: string;
}

export async function draftPostmortem(env: AppEnv, request: PostmortemRequest): Promise<Drafted | Refused | Cancelled> {
  const { output } = request;
  const named: { incident?: string } = request.incident !== undefined ? { incident: request.incident } : {};
  if (output !== undefined && !request.force && (await access(output).then(() => true, () => false))) {
    return refusal(`${output} exists; it may hold a draft people have edited.`, 'Write the draft to another file, or overwrite this one.', 'input', [
      remedy('incident.postmortem', { ...(request.incident !== undefined ? { incident: request.incident } : {}), output: FILL_IN }),
      remedy('incident.postmortem', { ...(request.incident !== undefined ? { incident: request.incident } : {}), output, force: true }),
    ]);
  }
  const which = await whichIncident(env, { ...named, prefer: 'open-else-resolved', operation: 'incident.postmortem', question: 'Draft the post-mortem of which incident?' });
  if (which.kind !== 'picked') return which;
  const opened = await env.incidents();
  if (!opened.ok) return incidentRefused(opened);
  const result = await engine.draftPostmortem(opened.value.context, which.incident.id, async (markdown) => {
    if (output === undefined) return undefined;
    await writeFile(output, markdown, { mode: 0o644 });
    return output;
  });
  if (!result.ok) return incidentRefused(result);
  const { markdown, file, outcome } = result.value;
  return { kind: 'drafted', incident: outcome.incident.id, markdown, ...(file !== undefined ? { file } : {}) };
}
