// Message templates: what each notification says, as a neutral message (title, summary lines,
// links) that the channel builders (payloads.ts) escape and shape. A team overrides a kind with
// `.hotfix/templates/<kind>.md`: the first `# ` line is the title, every other line a summary line,
// `{{incident.title}}`-style placeholders filled from the incident and the change.
//
// Substitution is one pass over the template: a value is never scanned again, so a title that
// contains `{{incident.id}}` stays that text. Values are plain text; escaping is the channel's job
// (payloads.ts), for template text and values alike, so a template cannot smuggle markup either.

import { describeEvent, formatDuration, formatTime, plainText } from '../incident/describe';
import { DEFAULT_SEVERITY_DESCRIPTIONS, type Incident, type ImpactLevel, type SeverityDescriptions } from '../incident/model';
import type { IncidentEvent } from '../incident/events';
import type { IncidentChange } from '../incident/ports';
import type { Severity } from '../severity';
import { oneLine, safeUrl } from './escape';

export const MESSAGE_KINDS = ['declared', 'update', 'resolved', 'deploy-started', 'deploy-succeeded', 'rolled-back'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface MessageLink {
  readonly label: string;
  readonly url: string;
}

/** What a notification says, before any channel's escaping. */
export interface NotifyMessage {
  readonly kind: MessageKind;
  readonly incidentId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly status: Incident['status'];
  readonly impact: ImpactLevel;
  readonly summary: readonly string[];
  readonly links: readonly MessageLink[];
  /** When the change happened (ISO 8601). */
  readonly at: string;
  /** Problems with a team's template (an unknown placeholder), for the delivery report. */
  readonly warnings: readonly string[];
}

export interface Template {
  readonly title: string;
  readonly lines: readonly string[];
}

const DEFAULTS: Readonly<Record<MessageKind, string>> = {
  declared: [
    '# {{incident.severity}} incident declared: {{incident.title}}',
    'Impact: {{incident.impact}}',
    '{{incident.severityDescription}}',
    'Incident commander: {{incident.commander}}',
    'Affected components: {{incident.components}}',
    '{{note}}',
    'Declared by {{actor}} at {{time}}. Status: investigating.',
  ].join('\n'),
  update: [
    '# {{incident.severity}} update, {{incident.status}}: {{incident.title}}',
    '{{changes}}',
    'ETA: {{incident.eta}}',
    'Incident commander: {{incident.commander}}',
    'Open for {{elapsed}}. Updated by {{actor}} at {{time}}.',
  ].join('\n'),
  resolved: [
    '# Resolved: {{incident.severity}} {{incident.title}}',
    'Resolved by {{actor}} at {{time}}, {{elapsed}} after it was declared.',
    'Root cause: {{incident.rootCause}}',
    'Follow-up: {{incident.actionItems}}',
    'A post-mortem draft: hotfix-deployer incident postmortem --id={{incident.id}}',
  ].join('\n'),
  'deploy-started': [
    '# Deploying {{deploy.image}} to {{deploy.target}} ({{incident.id}})',
    'For {{incident.severity}} {{incident.title}}; strategy {{deploy.strategy}}.',
    'Started by {{actor}} at {{time}}.',
  ].join('\n'),
  'deploy-succeeded': [
    '# Deployed {{deploy.image}} to {{deploy.target}} ({{incident.id}})',
    'For {{incident.severity}} {{incident.title}}, now {{incident.status}}.',
    'Deployed by {{actor}}, finished at {{time}}; watch the dashboards before resolving.',
  ].join('\n'),
  'rolled-back': [
    '# Rolled back {{deploy.target}} ({{incident.id}})',
    'Why: {{deploy.reason}}',
    'Deploy of {{deploy.image}} undone: {{deploy.restored}}',
    'Back to {{deploy.to}}.',
    'For {{incident.severity}} {{incident.title}}, now {{incident.status}}.',
    'Rolled back by {{actor}} at {{time}}.',
  ].join('\n'),
};

/** Parses a template file's text; an empty title line falls back to the default's title. */
export function parseTemplate(text: string, kind: MessageKind): Template {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const at = lines.findIndex((l) => /^#\s/.test(l));
  const fallback = (DEFAULTS[kind].split('\n')[0] ?? '').replace(/^#\s+/, '');
  const title = at >= 0 ? (lines[at] ?? '').replace(/^#\s+/, '').trim() : fallback;
  return { title: title || fallback, lines: lines.filter((_l, n) => n !== at).filter((l) => !/^\s*<!--.*-->\s*$/.test(l)) };
}

export function defaultTemplate(kind: MessageKind): Template {
  return parseTemplate(DEFAULTS[kind], kind);
}

/** Which template a change is told with: the most telling event in it. */
export function messageKind(change: Pick<IncidentChange, 'events'>): MessageKind {
  const types = new Set(change.events.map((e) => e.type));
  if (types.has('declared')) return 'declared';
  if (types.has('resolved')) return 'resolved';
  if (types.has('rollback')) return 'rolled-back';
  if (types.has('deploy-succeeded')) return 'deploy-succeeded';
  if (types.has('deploy-started')) return 'deploy-started';
  return 'update';
}

type DeployEventOf<T extends IncidentEvent['type']> = Extract<IncidentEvent, { type: T }>;

/**
 * The deploy a change tells of. A deploy that failed and was undone is one change with both events:
 * the failure's reason is the why ("error-rate 7.9% > 1% at step 3 of 5 (25%)"), the rollback's is
 * what restoring did; a rollback alone (by hand, or after verify) carries its own why.
 */
function deployFacts(events: readonly IncidentEvent[]): { target: string; image: string; strategy: string; to: string; reason: string; restored: string } {
  const last = <T extends IncidentEvent['type']>(type: T) => [...events].reverse().find((e): e is DeployEventOf<T> => e.type === type);
  const started = last('deploy-started');
  const succeeded = last('deploy-succeeded');
  const failure = last('deploy-failed');
  const rollback = last('rollback');
  const target = rollback?.target ?? succeeded?.target ?? failure?.target ?? started?.target ?? '';
  const why = failure?.reason ?? rollback?.reason ?? '';
  return {
    target,
    image: succeeded?.image ?? failure?.image ?? started?.image ?? '',
    strategy: started ? (started.strategy ?? 'default') : '',
    to: rollback?.to ?? '',
    reason: why,
    restored: failure && rollback?.reason !== undefined && rollback.reason !== why ? rollback.reason : '',
  };
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z.]*)\s*\}\}/g;

/** Every placeholder a template may use, with its value for this change. */
export function placeholders(change: IncidentChange, severities: SeverityDescriptions = DEFAULT_SEVERITY_DESCRIPTIONS): Readonly<Record<string, string>> {
  const i = change.incident;
  const last = change.events[change.events.length - 1];
  const deploy = deployFacts(change.events);
  const notes = change.events.flatMap((e) => (e.type === 'note' ? [e.text] : []));
  const at = last?.at ?? i.updatedAt;
  const end = i.resolvedAt ?? at;
  return {
    'incident.id': i.id,
    'incident.title': i.title,
    'incident.severity': i.severity,
    'incident.severityDescription': severities[i.severity],
    'incident.status': i.status,
    'incident.impact': `${i.impact.level}${i.impact.summary ? `: ${i.impact.summary}` : ''}`,
    'incident.commander': i.commander ?? '',
    'incident.responders': i.responders.join(', '),
    'incident.components': i.components.join(', '),
    'incident.eta': i.eta ? `${i.eta.text}${i.eta.until ? ` (by ${formatTime(i.eta.until)})` : ''}` : '',
    'incident.rootCause': i.rootCause ?? '',
    'incident.actionItems': i.actionItems.map((a) => `${a.text}${a.owner !== undefined ? ` (@${a.owner})` : ''}`).join('; '),
    'incident.warRoom': i.warRoom ?? '',
    'incident.statusPage': i.statusPage ?? '',
    'incident.declaredAt': formatTime(i.declaredAt),
    'incident.declaredBy': i.declaredBy,
    changes: change.events.map((e) => describeEvent(e, i, plainText)).join('\n'),
    note: notes.join('\n'),
    actor: last?.actor ?? i.declaredBy,
    time: formatTime(at),
    elapsed: formatDuration(Date.parse(end) - Date.parse(i.declaredAt)),
    'deploy.target': deploy.target,
    'deploy.image': deploy.image,
    'deploy.strategy': deploy.strategy,
    'deploy.to': deploy.to,
    'deploy.reason': deploy.reason,
    'deploy.restored': deploy.restored,
  };
}

interface Filled {
  readonly text: string;
  /** The line had placeholders and every one of them was empty. */
  readonly empty: boolean;
  readonly unknown: readonly string[];
}

function fill(line: string, values: Readonly<Record<string, string>>): Filled {
  let count = 0;
  let filled = 0;
  const unknown: string[] = [];
  const text = line.replace(PLACEHOLDER, (_all, name: string) => {
    count++;
    const value = values[name];
    if (value === undefined) {
      unknown.push(name);
      return '';
    }
    if (value.trim() !== '') filled++;
    return value;
  });
  return { text, empty: count > 0 && filled === 0, unknown };
}

/**
 * The message for a change. A line whose placeholders are all empty is left out (no `Commander: `
 * without a commander); a value with several lines (`{{changes}}`) makes several summary lines.
 */
export function renderMessage(change: IncidentChange, template: Template = defaultTemplate(messageKind(change)), severities?: SeverityDescriptions): NotifyMessage {
  const values = placeholders(change, severities);
  const i = change.incident;
  const warnings = new Set<string>();
  const title = fill(template.title, values);
  title.unknown.forEach((u) => warnings.add(`unknown placeholder {{${u}}}`));
  const summary: string[] = [];
  for (const line of template.lines) {
    const filled = fill(line, values);
    filled.unknown.forEach((u) => warnings.add(`unknown placeholder {{${u}}}`));
    if (filled.empty) continue;
    for (const part of filled.text.split('\n')) {
      const text = part.replace(/[ \t]+/g, ' ').trim();
      if (text !== '') summary.push(text);
    }
  }
  const links: MessageLink[] = [];
  for (const link of i.links) {
    const url = safeUrl(link.url);
    if (!url || link.label?.startsWith(STATUSPAGE_LINK_LABEL)) continue;
    links.push({ label: link.kind === 'war-room' ? 'War room' : link.kind === 'status-page' ? 'Status page' : oneLine(link.label ?? 'Link'), url });
  }
  return {
    kind: messageKind(change),
    incidentId: i.id,
    title: oneLine(title.text) || `${i.severity} ${oneLine(i.title)}`,
    severity: i.severity,
    status: i.status,
    impact: i.impact.level,
    summary,
    links,
    at: change.events[change.events.length - 1]?.at ?? i.updatedAt,
    warnings: [...warnings],
  };
}

/** The label of the link event that remembers the Statuspage incident id: `statuspage-incident:<id>`. */
export const STATUSPAGE_LINK_LABEL = 'statuspage-incident:';

/** The Statuspage incident id this incident was posted as, if it was. */
export function statuspageIncidentId(incident: Pick<Incident, 'links'>): string | undefined {
  for (const link of [...incident.links].reverse()) {
    if (link.label?.startsWith(STATUSPAGE_LINK_LABEL)) return link.label.slice(STATUSPAGE_LINK_LABEL.length) || undefined;
  }
  return undefined;
}
