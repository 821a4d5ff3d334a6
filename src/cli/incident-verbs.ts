// The incident verbs: parse the options, call the incident operations (src/app/incident*.ts) in the
// CLI's environment, and print the outcome (human lines or --json) with the documented exit codes.
// The words are the CLI's; the decisions are the operations'.

import * as path from 'node:path';
import type { Changed, Refused } from '../app/incident';
import { describeEvent, elapsed, formatDuration, formatTime, plainText } from '../core/incident/describe';
import { isOpen, type Incident } from '../core/incident/model';
import type { DeclareInput, ResolveInput, UpdateInput } from '../core/incident/plan';
import { restoreRemedy } from '../core/gitops/guard';
import { remedy } from '../core/remedy';
import { cliEnv } from './compose';
import { EXIT, type ExitCode } from './exit-codes';
import { incidentLinkLines } from './incident-link-lines';
import { reporter, type Reporter } from './output';
import type { Io } from './program';
import { remedyCommand } from './remedy';

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

function refused(out: Reporter, outcome: Refused): ExitCode {
  return out.refused(outcome.failed);
}

/** A question on the terminal left unanswered: nothing was done (as the deploy verbs say it). */
function cancelled(out: Reporter): ExitCode {
  return out.failure('Cancelled: nothing was done.', undefined, EXIT.usage);
}

/** What --broadcast did: each channel's outcome; a failed channel is a warning, the change is recorded regardless. */
function broadcastReport(changed: Changed): { json: object; lines: string[] } {
  const { broadcast, outcome } = changed;
  if (!broadcast.requested) return { json: {}, lines: [] };
  if ('why' in broadcast) {
    return broadcast.why === 'nothing-changed'
      ? { json: { broadcast: { requested: true, sent: false, reason: 'nothing changed' } }, lines: ['--broadcast: nothing changed, so there is nothing to send.'] }
      : {
          json: { broadcast: { requested: true, sent: false, reason: 'no notification channels are configured yet' } },
          lines: ['--broadcast: no notification channels are configured yet, so nothing was sent. The change itself is recorded.', '  Turn channels on under notifications: in .hotfix/config.yaml (slack, teams, pagerduty, statuspage, webhook).'],
        };
  }
  const failed = broadcast.channels.filter((p) => !p.ok);
  return {
    json: { broadcast: { requested: true, sent: broadcast.sent, channels: broadcast.channels } },
    lines: [
      ...broadcast.channels.map((p) => `--broadcast: ${p.channel} ${p.ok ? 'sent' : 'FAILED'}: ${t(p.detail)}`),
      ...(failed.length > 0 ? [`warning: ${failed.length} of ${broadcast.channels.length} notification channel${broadcast.channels.length === 1 ? '' : 's'} failed (${failed.map((p) => p.channel).join(', ')}); ${outcome.incident.id} is updated regardless.`] : []),
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
  const { declareIncident } = await import('../app/incident.js');
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
  const declared = await declareIncident(cliEnv(io, out, options), { input, broadcast: options.broadcast === true });
  if (declared.kind === 'refused') return refused(out, declared);
  if (declared.kind === 'cancelled') return cancelled(out);
  const { incident: i, version } = declared.outcome;
  const sent = broadcastReport(declared);
  return out.result({ incident: summary(i), version, ...sent.json }, [
    `Declared ${i.id}: ${i.severity} "${t(i.title)}", impact ${i.impact.level}${i.impact.summary ? ` (${t(i.impact.summary)})` : ''}; investigating.`,
    `  ${declared.meaning}`,
    ...(i.commander !== undefined ? [`  Commander: ${t(i.commander)}`] : []),
    ...(i.warRoom !== undefined ? [`  War room: ${t(i.warRoom)}`] : []),
    ...sent.lines,
    `Next: ${remedyCommand(remedy('incident.update', { incident: i.id, status: 'identified', eta: '15 minutes', note: 'what you found' }))}`,
  ]);
}

export async function updateVerb(io: Io, options: UpdateOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const { updateIncident } = await import('../app/incident.js');
  const { id, repo: _repo, json: _json, broadcast: wanted, ...input } = options;
  const updated = await updateIncident(cliEnv(io, out, options), { ...(id !== undefined ? { incident: id } : {}), input, broadcast: wanted === true });
  if (updated.kind === 'refused') return refused(out, updated);
  if (updated.kind === 'cancelled') return cancelled(out);
  return reportChange(out, updated, 'Updated');
}

export async function resolveVerb(io: Io, options: ResolveOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const { resolveIncident } = await import('../app/incident.js');
  const { id, repo: _repo, json: _json, broadcast: wanted, keepGitopsPaused, restoreGitopsAnyway, kubeconfig: _kubeconfig, ...input } = options;
  const resolved = await resolveIncident(cliEnv(io, out, options), {
    ...(id !== undefined ? { incident: id } : {}),
    input,
    broadcast: wanted === true,
    ...(keepGitopsPaused !== undefined ? { keepGitopsPaused } : {}),
    ...(restoreGitopsAnyway === true ? { restoreGitopsAnyway: true } : {}),
    restoreWords: remedyCommand,
  });
  if (resolved.kind === 'refused') return refused(out, resolved);
  if (resolved.kind === 'cancelled') return cancelled(out);
  const i = resolved.outcome.incident;
  const gitops = resolved.gitops ? [...resolved.gitops.lines.map((l) => `  ${t(l)}`), ...resolved.gitops.links.flatMap((link) => incidentLinkLines(link)).map((l) => `  ${l}`)] : [];
  return reportChange(out, resolved, 'Resolved', [
    ...gitops,
    `  Declared to resolved: ${formatDuration(Date.parse(i.resolvedAt ?? i.updatedAt) - Date.parse(i.declaredAt))}.`,
    ...i.actionItems.map((a) => `  [ ] ${t(a.text)}${a.owner !== undefined ? ` @${t(a.owner)}` : ''}`),
    `Next: ${remedyCommand(remedy('incident.postmortem', { incident: i.id, output: `postmortem-${i.id}.md` }))}`,
  ]);
}

function reportChange(out: Reporter, changed: Changed, verb: string, more: string[] = []): ExitCode {
  const { incident: i, previous, events, notices, attempts, version } = changed.outcome;
  const sent = broadcastReport(changed);
  const status = previous && previous.status !== i.status ? `${i.status} (was ${previous.status})` : i.status;
  return out.result({ incident: summary(i), version, events, notices, attempts, ...sent.json }, [
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
  const { listIncidents } = await import('../app/incident-read.js');
  const listed = await listIncidents(cliEnv(io, out, options), { all: options.all === true });
  if (listed.kind === 'refused') return refused(out, listed);
  const lines = listed.incidents.map((i) => {
    const extra = [i.commander !== undefined ? `commander ${t(i.commander)}` : '', i.eta ? `ETA ${t(i.eta.text)}` : ''].filter(Boolean).join(', ');
    return `${headline(i, listed.now)}${extra ? `  (${extra})` : ''}`;
  });
  if (listed.incidents.length === 0) {
    lines.push(options.all || listed.resolved === 0 ? 'No incidents.' : `No open incidents (${listed.resolved} resolved: incident list --all).`);
  }
  for (const u of listed.unreadable) lines.push(`! ${u.id}: ${t(u.reason)}`);
  return out.result({ incidents: listed.incidents.map(summary), unreadable: listed.unreadable }, lines);
}

export async function showVerb(io: Io, options: ShowOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const { showIncident } = await import('../app/incident-read.js');
  const shown = await showIncident(cliEnv(io, out, options), options.id !== undefined ? { incident: options.id } : {});
  if (shown.kind === 'refused') return refused(out, shown);
  if (shown.kind === 'cancelled') return cancelled(out);
  const { incident: i, version } = shown;
  const field = (label: string, value: string | undefined) => (value ? [`  ${label.padEnd(12)} ${value}`] : []);
  return out.result({ incident: i, version }, [
    headline(i, shown.now),
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
    ...shown.paused.map((p) => `  paused   auto-sync of ${t(p.object)} (${t(p.target)}), was ${t(p.previous)}: ${t(remedyCommand(restoreRemedy(p.target)))}`),
    'Timeline:',
    ...i.events.map((e, n) => `  #${String(n + 1).padEnd(3)} ${formatTime(e.at).slice(0, 16)} ${elapsed(i.declaredAt, e.at).padEnd(9)} ${t(e.actor)}: ${describeEvent(e, i, plainText)}`),
  ]);
}

export async function postmortemVerb(io: Io, options: PostmortemOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const { draftPostmortem } = await import('../app/incident-read.js');
  const drafted = await draftPostmortem(cliEnv(io, out, options), {
    ...(options.id !== undefined ? { incident: options.id } : {}),
    ...(options.output !== undefined ? { output: path.resolve(options.output) } : {}),
    ...(options.force === true ? { force: true } : {}),
  });
  if (drafted.kind === 'refused') return refused(out, drafted);
  if (drafted.kind === 'cancelled') return cancelled(out);
  const { markdown, file, incident } = drafted;
  if (out.json) return out.result({ incident, ...(file ? { file } : {}), markdown }, []);
  if (file) return out.result({}, [`Drafted the post-mortem of ${incident} in ${file}.`, 'Fill in "What went well", "What went badly" and "Where we got lucky" with the team.']);
  io.out(markdown);
  return EXIT.ok;
}
