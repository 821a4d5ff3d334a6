// The incident verbs' work: open the repository's incident store, call the incident engine, print
// the outcome (human lines or --json) with the documented exit codes. No rules live here.

import { access, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { openNotifyingIncidents } from '../adapters/notify/incident-sinks';
import { describeEvent, elapsed, formatDuration, formatTime, plainText } from '../core/incident/describe';
import { declareIncident, draftPostmortem, resolveIncident, updateIncident, type IncidentOutcome } from '../core/incident/engine';
import type { IncidentFailed } from '../core/incident/failures';
import { DEFAULT_SEVERITY_DESCRIPTIONS, isOpen, type Incident } from '../core/incident/model';
import { pausedInTimeline } from '../core/gitops/guard';
import { planResolve, type DeclareInput, type ResolveInput, type UpdateInput } from '../core/incident/plan';
import type { IncidentContext } from '../core/incident/ports';
import { bySeverity, listIncidents, pickIncident } from '../core/incident/query';
import { EXIT, type ExitCode } from './exit-codes';
import { reporter, type Reporter } from './output';
import type { Io } from './program';

interface Common {
  readonly repo?: string;
  readonly json?: boolean;
}
interface Changing extends Common {
  readonly broadcast?: boolean;
}
export type CreateOptions = Changing & Omit<DeclareInput, 'severity' | 'impact' | 'title'> & { readonly title: string; readonly severity: string; readonly impact: string };
export type UpdateOptions = Changing & UpdateInput & { readonly id?: string };
export type ResolveOptions = Changing & ResolveInput & { readonly id?: string; readonly keepGitopsPaused?: string; readonly restoreGitopsAnyway?: boolean; readonly kubeconfig?: string };
export type ListOptions = Common & { readonly all?: boolean };
export type ShowOptions = Common & { readonly id?: string };
export type PostmortemOptions = Common & { readonly id?: string; readonly output?: string; readonly force?: boolean };

const t = plainText.text;

/**
 * The engine's context on the repository's `.git/hotfix/`, or the exit code of why not. The channels
 * `notifications:` turns on get their secrets from the environment; incident changes go out only
 * with --broadcast.
 */
async function open(out: Reporter, options: Common): Promise<IncidentContext | ExitCode> {
  const opened = await openNotifyingIncidents(options.repo ?? process.cwd(), {
    hint: 'Incidents are kept under the git directory: run it from the repository, or pass --repo=PATH.',
  });
  if (!opened.ok) return out.refused(opened);
  return opened.value.context;
}

function refused(out: Reporter, failure: IncidentFailed): ExitCode {
  const code = failure.kind === 'input' || failure.kind === 'ambiguous' ? EXIT.usage : EXIT.failed;
  return out.failure(failure.reason, failure.hint, code, { kind: failure.kind });
}

/** What `--broadcast` did: each channel's outcome; a failed channel is a warning, the change is recorded regardless. */
function broadcast(ctx: IncidentContext, outcome: IncidentOutcome, requested: boolean | undefined): { json: object; lines: string[] } {
  if (!requested) return { json: {}, lines: [] };
  if ((ctx.sinks ?? []).length === 0) {
    return {
      json: { broadcast: { requested: true, sent: false, reason: 'no notification channels are configured yet' } },
      lines: ['--broadcast: no notification channels are configured yet, so nothing was sent. The change itself is recorded.', '  Turn channels on under notifications: in .hotfix/config.yaml (slack, teams, pagerduty, statuspage, webhook).'],
    };
  }
  const failed = outcome.published.filter((p) => !p.ok);
  return {
    json: { broadcast: { requested: true, sent: outcome.published.some((p) => p.ok), channels: outcome.published } },
    lines: [
      ...outcome.published.map((p) => `--broadcast: ${p.channel} ${p.ok ? 'sent' : 'FAILED'}: ${t(p.detail)}`),
      ...(failed.length > 0 ? [`warning: ${failed.length} of ${outcome.published.length} notification channel${outcome.published.length === 1 ? '' : 's'} failed (${failed.map((p) => p.channel).join(', ')}); ${outcome.incident.id} is updated regardless.`] : []),
    ],
  };
}

function summary(incident: Incident): Omit<Incident, 'events'> & { eventCount: number } {
  const { events, ...rest } = incident;
  return { ...rest, eventCount: events.length };
}

function headline(i: Incident, now: Date): string {
  const age = isOpen(i) ? `open ${formatDuration(now.getTime() - Date.parse(i.declaredAt))}` : `resolved after ${formatDuration(Date.parse(i.resolvedAt ?? i.updatedAt) - Date.parse(i.declaredAt))}`;
  return `${i.id}  ${i.severity}  ${i.status.padEnd(13)} ${age.padEnd(22)} ${t(i.title)}`;
}

export async function createVerb(io: Io, options: CreateOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const ctx = await open(out, options);
  if (typeof ctx === 'number') return ctx;
  const input: DeclareInput = {
    title: options.title,
    severity: options.severity,
    impact: options.impact,
    ...(options.commander !== undefined ? { commander: options.commander } : {}),
    ...(options.responders !== undefined ? { responders: options.responders } : {}),
    ...(options.warRoom !== undefined ? { warRoom: options.warRoom } : {}),
    ...(options.statusPage !== undefined ? { statusPage: options.statusPage } : {}),
    ...(options.components !== undefined ? { components: options.components } : {}),
    ...(options.note !== undefined ? { note: options.note } : {}),
  };
  const result = await declareIncident(ctx, input, { broadcast: options.broadcast === true });
  if (!result.ok) return refused(out, result);
  const { incident: i } = result.value;
  const sent = broadcast(ctx, result.value, options.broadcast);
  return out.result({ incident: summary(i), version: result.value.version, ...sent.json }, [
    `Declared ${i.id}: ${i.severity} "${t(i.title)}", impact ${i.impact.level}${i.impact.summary ? ` (${t(i.impact.summary)})` : ''}; investigating.`,
    `  ${(ctx.severities ?? DEFAULT_SEVERITY_DESCRIPTIONS)[i.severity]}`,
    ...(i.commander !== undefined ? [`  Commander: ${t(i.commander)}`] : []),
    ...(i.warRoom !== undefined ? [`  War room: ${t(i.warRoom)}`] : []),
    ...sent.lines,
    `Next: hotfix-deployer incident update --id=${i.id} --status=identified --eta="15 minutes" --note="what you found"`,
  ]);
}

export async function updateVerb(io: Io, options: UpdateOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const ctx = await open(out, options);
  if (typeof ctx === 'number') return ctx;
  const { id, repo: _repo, json: _json, broadcast: wanted, ...input } = options;
  const result = await updateIncident(ctx, id, input, { broadcast: wanted === true });
  if (!result.ok) return refused(out, result);
  return reportChange(out, ctx, result.value, wanted, 'Updated');
}

export async function resolveVerb(io: Io, options: ResolveOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const ctx = await open(out, options);
  if (typeof ctx === 'number') return ctx;
  const { id, repo: _repo, json: _json, broadcast: wanted, keepGitopsPaused, restoreGitopsAnyway, kubeconfig, ...asked } = options;
  let input: ResolveInput = asked;
  const gitops: string[] = [];
  // GitOps auto-sync paused for this incident is restored first, or (kept) becomes an action item.
  const picked = await pickIncident(ctx, id, { prefer: 'open' });
  if (picked.ok && isOpen(picked.value.incident) && planResolve(picked.value.incident, asked).ok) {
    const { restoreForIncident } = await import('../app/gitops-restore.js');
    const { incidentLinkLines } = await import('./incident-link-lines.js');
    const restore = await restoreForIncident(options.repo ?? process.cwd(), picked.value.incident.id, {
      ...(kubeconfig !== undefined ? { kubeconfig } : {}),
      ...(keepGitopsPaused !== undefined ? { keep: keepGitopsPaused } : {}),
      ...(restoreGitopsAnyway === true ? { force: true } : {}),
    });
    gitops.push(...restore.lines.map((l) => `  ${t(l)}`), ...restore.links.flatMap((link) => incidentLinkLines(link)).map((l) => `  ${l}`));
    if (restore.actionItems.length > 0) input = { ...asked, actionItems: [asked.actionItems ?? '', ...restore.actionItems].filter((a) => a.trim() !== '').join('; ') };
  }
  const result = await resolveIncident(ctx, id, input, { broadcast: wanted === true });
  if (!result.ok) return refused(out, result);
  const i = result.value.incident;
  return reportChange(out, ctx, result.value, wanted, 'Resolved', [
    ...gitops,
    `  Declared to resolved: ${formatDuration(Date.parse(i.resolvedAt ?? i.updatedAt) - Date.parse(i.declaredAt))}.`,
    ...i.actionItems.map((a) => `  [ ] ${t(a.text)}${a.owner !== undefined ? ` @${t(a.owner)}` : ''}`),
    `Next: hotfix-deployer incident postmortem --id=${i.id} --output=postmortem-${i.id}.md`,
  ]);
}

function reportChange(out: Reporter, ctx: IncidentContext, outcome: IncidentOutcome, wanted: boolean | undefined, verb: string, more: string[] = []): ExitCode {
  const { incident: i, previous, events, notices, attempts } = outcome;
  const sent = events.length > 0 || !wanted ? broadcast(ctx, outcome, wanted) : { json: { broadcast: { requested: true, sent: false, reason: 'nothing changed' } }, lines: ['--broadcast: nothing changed, so there is nothing to send.'] };
  const status = previous && previous.status !== i.status ? `${i.status} (was ${previous.status})` : i.status;
  return out.result({ incident: summary(i), version: outcome.version, events, notices, attempts, ...sent.json }, [
    events.length > 0 ? `${verb} ${i.id} "${t(i.title)}": ${status}.` : `${i.id} "${t(i.title)}" is unchanged: ${status}.`,
    ...events.map((e) => `  + ${describeEvent(e, i, plainText)}`),
    ...notices.map((n) => `  ${t(n)}`),
    ...(attempts > 1 ? [`  (someone else changed ${i.id} at the same time; both changes are kept)`] : []),
    ...more,
    ...sent.lines,
  ]);
}

export async function listVerb(io: Io, options: ListOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const ctx = await open(out, options);
  if (typeof ctx === 'number') return ctx;
  const { incidents, unreadable } = await listIncidents(ctx);
  const shown = options.all ? incidents : incidents.filter(isOpen).sort(bySeverity);
  const now = ctx.clock.now();
  const lines = shown.map((i) => {
    const extra = [i.commander !== undefined ? `commander ${t(i.commander)}` : '', i.eta ? `ETA ${t(i.eta.text)}` : ''].filter(Boolean).join(', ');
    return `${headline(i, now)}${extra ? `  (${extra})` : ''}`;
  });
  if (shown.length === 0) {
    const resolved = incidents.length;
    lines.push(options.all || resolved === 0 ? 'No incidents.' : `No open incidents (${resolved} resolved: incident list --all).`);
  }
  for (const u of unreadable) lines.push(`! ${u.id}: ${t(u.reason)}`);
  return out.result({ incidents: shown.map(summary), unreadable }, lines);
}

export async function showVerb(io: Io, options: ShowOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const ctx = await open(out, options);
  if (typeof ctx === 'number') return ctx;
  const picked = await pickIncident(ctx, options.id, { prefer: 'open-else-resolved' });
  if (!picked.ok) return refused(out, picked);
  const { incident: i, version } = picked.value;
  const field = (label: string, value: string | undefined) => (value ? [`  ${label.padEnd(12)} ${value}`] : []);
  return out.result({ incident: i, version }, [
    headline(i, ctx.clock.now()),
    ...field('impact', `${i.impact.level}${i.impact.summary ? `: ${t(i.impact.summary)}` : ''}`),
    ...field('declared', `${formatTime(i.declaredAt)} by ${t(i.declaredBy)}`),
    ...field('resolved', i.resolvedAt ? `${formatTime(i.resolvedAt)} by ${t(i.resolvedBy ?? '')}` : undefined),
    ...field('commander', i.commander !== undefined ? t(i.commander) : undefined),
    ...field('responders', i.responders.map(t).join(', ')),
    ...field('war room', i.warRoom),
    ...field('status page', i.statusPage),
    ...field('components', i.components.map(t).join(', ')),
    ...field('ETA', i.eta ? `${t(i.eta.text)}${i.eta.until ? ` (by ${formatTime(i.eta.until)})` : ''}` : undefined),
    ...field('hotfixes', i.hotfixes.map(t).join(', ')),
    ...field('root cause', i.rootCause !== undefined ? t(i.rootCause) : undefined),
    ...i.actionItems.map((a) => `  [ ] ${t(a.text)}${a.owner !== undefined ? ` @${t(a.owner)}` : ''}`),
    // What the incident paused and nobody restored yet: resolving restores it, or makes it an action item.
    ...pausedInTimeline(i.events).map((p) => `  paused   auto-sync of ${t(p.object)} (${t(p.target)}), was ${t(p.previous)}: hotfix-deployer gitops restore --target=${t(p.target)}`),
    'Timeline:',
    ...i.events.map((e, n) => `  #${String(n + 1).padEnd(3)} ${formatTime(e.at).slice(0, 16)} ${elapsed(i.declaredAt, e.at).padEnd(9)} ${t(e.actor)}: ${describeEvent(e, i, plainText)}`),
  ]);
}

export async function postmortemVerb(io: Io, options: PostmortemOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const ctx = await open(out, options);
  if (typeof ctx === 'number') return ctx;
  const target = options.output !== undefined ? path.resolve(options.output) : undefined;
  if (target && !options.force && (await access(target).then(() => true, () => false))) {
    return out.failure(`${target} exists; it may hold a draft people have edited.`, 'Pass another --output, or --force to overwrite it.', EXIT.usage);
  }
  const result = await draftPostmortem(ctx, options.id, async (markdown) => {
    if (!target) return undefined;
    await writeFile(target, markdown, { mode: 0o644 });
    return target;
  });
  if (!result.ok) return refused(out, result);
  const { markdown, file, outcome } = result.value;
  if (out.json) return out.result({ incident: outcome.incident.id, ...(file ? { file } : {}), markdown }, []);
  if (file) return out.result({}, [`Drafted the post-mortem of ${outcome.incident.id} in ${file}.`, 'Fill in "What went well", "What went badly" and "Where we got lucky" with the team.']);
  io.out(markdown);
  return EXIT.ok;
}
