// Reading incidents: one by id (or a unique end of it, `3F2A`), all of them, and which one a command
// means when the person did not say (the only open one; else it names the open ones).

import { FILL_IN, remedy, type OperationName, type Remedy } from '../remedy';
import { SEVERITIES } from '../severity';
import { refusal as refuse, type IncidentResult } from './failures';
import { foldIncident } from './fold';
import { isOpen, type Incident } from './model';
import type { IncidentContext } from './ports';

export interface Loaded {
  readonly incident: Incident;
  readonly version: string;
}

/** Every incident, resolved ones too: where a person finds the id they meant. */
const LIST_ALL: Remedy = remedy('incident.list', { all: true });

export async function readIncident(ctx: Pick<IncidentContext, 'store'>, id: string): Promise<IncidentResult<Loaded>> {
  const stored = await ctx.store.read(id);
  if (!stored) return refuse('not-found', `There is no incident ${id} in ${ctx.store.location}.`, 'The list of every incident, resolved ones too, has the ids.', [LIST_ALL]);
  if (stored.unreadable !== undefined) return refuse('state', `${id} cannot be read: ${stored.unreadable}.`, 'Restore the file from a backup or remove it; nothing was written.');
  const view = foldIncident(stored.id, stored.events);
  if (!view.ok) return refuse('state', `${view.reason} (in ${ctx.store.location})`, 'The stored timeline was changed by hand or by a newer version; nothing was written.');
  return { ok: true, value: { incident: view.value, version: stored.version } };
}

export interface Listing {
  /** Newest first. */
  readonly incidents: readonly Incident[];
  /** Incidents whose stored timeline could not be folded: reported, never hiding the others. */
  readonly unreadable: readonly { readonly id: string; readonly reason: string }[];
}

export async function listIncidents(ctx: Pick<IncidentContext, 'store'>): Promise<Listing> {
  const incidents: Incident[] = [];
  const unreadable: { id: string; reason: string }[] = [];
  for (const id of await ctx.store.list()) {
    const read = await readIncident(ctx, id);
    if (read.ok) incidents.push(read.value.incident);
    else if (read.kind !== 'not-found') unreadable.push({ id, reason: read.reason });
  }
  incidents.sort((a, b) => (a.declaredAt === b.declaredAt ? b.id.localeCompare(a.id) : b.declaredAt.localeCompare(a.declaredAt)));
  return { incidents, unreadable };
}

/** Most severe first, then newest: the order open incidents are named in. */
export function bySeverity(a: Incident, b: Incident): number {
  return SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || b.declaredAt.localeCompare(a.declaredAt);
}

export interface PickOptions {
  /**
   * Without a ref: `open` (default) takes the only open incident; `resolved` the most recently
   * resolved (reopen); `open-else-resolved` the only open one, else the most recently resolved
   * (show, post-mortem).
   */
  readonly prefer?: 'open' | 'resolved' | 'open-else-resolved';
  /** The operation that needs the incident, so a refusal's remedies repeat it with the incident named. */
  readonly operation?: OperationName;
}

export async function pickIncident(ctx: Pick<IncidentContext, 'store'>, ref: string | undefined, options: PickOptions = {}): Promise<IncidentResult<Loaded>> {
  if (ref !== undefined && ref.trim() !== '') return readByRef(ctx, ref.trim());
  const { incidents, unreadable } = await listIncidents(ctx);
  const open = incidents.filter(isOpen).sort(bySeverity);
  const prefer = options.prefer ?? 'open';
  if (prefer !== 'resolved') {
    // An incident that cannot be read may well be open: choosing "the only open one" past it could
    // resolve or annotate the wrong incident, so it counts as open and the person must say which.
    const candidates = [
      ...open.map((i) => `${i.id} (${i.severity} ${i.title}, ${i.status})`),
      ...unreadable.map((u) => (u.reason.startsWith(u.id) ? u.reason : `${u.id}: ${u.reason}`).replace(/\.$/, '')),
    ];
    if (candidates.length > 1) {
      const first = open[0]?.id ?? unreadable[0]?.id ?? '';
      const counted = unreadable.length > 0 ? `${candidates.length} incidents may be open` : `${candidates.length} incidents are open`;
      const op = options.operation;
      const named = open.length > 0 ? open.map((i) => i.id) : [first];
      return refuse('ambiguous', `${counted}: ${candidates.join('; ')}.`, 'Say which one.', op ? named.map((id) => remedy(op, { incident: id })) : undefined);
    }
    if (open.length === 1 && open[0]) return readIncident(ctx, open[0].id);
    if (unreadable.length === 1 && unreadable[0]) return readIncident(ctx, unreadable[0].id);
  }
  if (prefer !== 'open') {
    const resolved = incidents.filter((i) => !isOpen(i)).sort((a, b) => (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? ''));
    if (resolved[0]) return readIncident(ctx, resolved[0].id);
  }
  const none = prefer === 'resolved' ? 'No incident has been resolved yet.' : incidents.length === 0 ? 'There are no incidents yet.' : 'No incident is open.';
  if (prefer === 'open' && incidents.length === 0) return refuse('not-found', none, 'Declare one first.', [remedy('incident.create', { severity: 'sev1', title: FILL_IN, impact: 'high' })]);
  const again = options.operation ? [remedy(options.operation, { incident: FILL_IN })] : [];
  return refuse('not-found', none, 'Name the incident; the list of every incident has the ids.', [...again, LIST_ALL]);
}

/** `INC-20261127-3F2A` in any case, or a unique end of one: `3F2A`, `20261127-3f2a`. */
async function readByRef(ctx: Pick<IncidentContext, 'store'>, ref: string): Promise<IncidentResult<Loaded>> {
  const wanted = ref.toUpperCase();
  const ids = await ctx.store.list();
  const exact = ids.find((id) => id.toUpperCase() === wanted);
  if (exact) return readIncident(ctx, exact);
  const matches = ids.filter((id) => id.toUpperCase().endsWith(`-${wanted}`));
  if (matches.length === 1 && matches[0]) return readIncident(ctx, matches[0]);
  if (matches.length > 1) return refuse('ambiguous', `"${ref}" could be ${matches.sort().join(', ')}.`, 'Give the whole id.');
  return refuse('not-found', `There is no incident ${ref} in ${ctx.store.location}.`, 'The list of every incident, resolved ones too, has the ids.', [LIST_ALL]);
}
