// The post-mortem draft in Markdown, from the incident's timeline: the facts filled in (summary,
// impact, duration, every event with its elapsed time, root cause, action items), the judgement
// left to people under the blameless headings. Everything a person wrote is escaped.

import { describeEvent, elapsed, formatDuration, formatTime, type Formatter } from './describe';
import { escapeMarkdown, escapeMarkdownBlock, markdownLink } from './markdown';
import { DEFAULT_SEVERITY_DESCRIPTIONS, isOpen, type Incident, type SeverityDescriptions } from './model';
import { pausedInTimeline, restoreActionItem } from '../gitops/guard';

export interface PostmortemOptions {
  /** When the draft is made: the end of the duration of an incident still open. */
  readonly now?: Date;
  readonly severities?: SeverityDescriptions;
}

const markdown: Formatter = {
  text: escapeMarkdown,
  block: (value) => escapeMarkdownBlock(value, '  '),
  link: markdownLink,
};

const TO_FILL = '_To fill in._';

function facts(incident: Incident, severities: SeverityDescriptions, end: string): string[] {
  const list = (values: readonly string[]) => (values.length > 0 ? values.map(escapeMarkdown).join(', ') : '_none recorded_');
  const deploys = incident.deploys.filter((d) => d.outcome !== 'started');
  return [
    `- **Incident:** ${incident.id}`,
    `- **Severity:** ${incident.severity} (${escapeMarkdown(severities[incident.severity])})`,
    `- **Impact:** ${incident.impact.level}${incident.impact.summary ? `: ${escapeMarkdown(incident.impact.summary)}` : ''}`,
    `- **Status:** ${incident.status}`,
    `- **Declared:** ${formatTime(incident.declaredAt)} by ${escapeMarkdown(incident.declaredBy)}`,
    incident.resolvedAt
      ? `- **Resolved:** ${formatTime(incident.resolvedAt)} by ${escapeMarkdown(incident.resolvedBy ?? 'unknown')}`
      : `- **Resolved:** not yet (draft made ${formatTime(end)})`,
    `- **Commander:** ${incident.commander !== undefined ? escapeMarkdown(incident.commander) : '_none named_'}`,
    `- **Responders:** ${list(incident.responders)}`,
    `- **Affected components:** ${list(incident.components)}`,
    ...(incident.warRoom !== undefined ? [`- **War room:** ${markdownLink(incident.warRoom)}`] : []),
    ...(incident.statusPage !== undefined ? [`- **Status page:** ${markdownLink(incident.statusPage)}`] : []),
    `- **Hotfix branches:** ${list(incident.hotfixes)}`,
    `- **Deploys:** ${deploys.length > 0 ? deploys.map((d) => `${escapeMarkdown(d.image ?? '?')} to ${escapeMarkdown(d.target)} ${d.outcome} at ${formatTime(d.at)}`).join('; ') : '_none recorded_'}`,
    `- **Rollbacks:** ${incident.rollbacks.length > 0 ? incident.rollbacks.map((r) => `${escapeMarkdown(r.target)}${r.to !== undefined ? ` to ${escapeMarkdown(r.to)}` : ''} at ${formatTime(r.at)}`).join('; ') : '_none recorded_'}`,
  ];
}

function duration(incident: Incident, end: string): string[] {
  const total = formatDuration(Date.parse(end) - Date.parse(incident.declaredAt));
  const lines = [
    incident.resolvedAt
      ? `- **Declared to resolved:** ${total} (${formatTime(incident.declaredAt)} to ${formatTime(incident.resolvedAt)})`
      : `- **Open for:** ${total} so far (since ${formatTime(incident.declaredAt)})`,
  ];
  for (const status of ['identified', 'monitoring'] as const) {
    const first = incident.statusHistory.find((s) => s.status === status);
    if (first) lines.push(`- **Time to ${status}:** ${formatDuration(Date.parse(first.at) - Date.parse(incident.declaredAt))}`);
  }
  if (incident.reopened > 0) lines.push(`- **Reopened:** ${incident.reopened} time${incident.reopened === 1 ? '' : 's'}`);
  return lines;
}

function timeline(incident: Incident): string[] {
  // Time order; events written at the same instant keep the order they were written in.
  const ordered = incident.events.map((event, index) => ({ event, index })).sort((a, b) => a.event.at.localeCompare(b.event.at) || a.index - b.index);
  const lines: string[] = [];
  let day = '';
  for (const { event, index } of ordered) {
    const date = event.at.slice(0, 10);
    const time = `${date !== day ? `${date} ` : ''}${event.at.slice(11, 19)}`;
    day = date;
    lines.push(`- **${time}** (${elapsed(incident.declaredAt, event.at)}) #${index + 1} ${escapeMarkdown(event.actor)}: ${describeEvent(event, incident, markdown)}`);
    for (const text of incident.corrections[event.id] ?? []) lines.push(`  - _Corrected:_ ${escapeMarkdownBlock(text, '    ')}`);
  }
  return lines;
}

/** The Markdown draft. Pure: the same incident and `now` give the same text. */
export function postmortem(incident: Incident, options: PostmortemOptions = {}): string {
  const severities = options.severities ?? DEFAULT_SEVERITY_DESCRIPTIONS;
  const end = incident.resolvedAt ?? (options.now ?? new Date(incident.updatedAt)).toISOString();
  const items = [
    ...incident.actionItems.map((a) => `- [ ] ${escapeMarkdown(a.text)}${a.owner !== undefined ? ` (owner: @${escapeMarkdown(a.owner)})` : ' (owner: _to assign_)'}`),
    // GitOps auto-sync still paused for it, and not already an action item: it must not be forgotten.
    ...pausedInTimeline(incident.events)
      .filter((p) => !incident.actionItems.some((a) => a.text.startsWith(`Restore auto-sync of ${p.object}`)))
      .map((p) => `- [ ] ${escapeMarkdown(restoreActionItem(p.object, p.target, 'still paused when this draft was made'))} (owner: _to assign_)`),
  ];
  return [
    `# Post-mortem: ${escapeMarkdown(incident.title)} (${incident.id})`,
    '',
    `_Draft made from the incident timeline${isOpen(incident) ? ' while the incident is still open' : ''}. The facts below come from the timeline; the sections marked "to fill in" are for the review. Blameless: describe systems and decisions, not people._`,
    '',
    '## Summary',
    '',
    ...facts(incident, severities, end),
    '',
    '_In two or three sentences: what happened, who was affected, how it was fixed._',
    '',
    '## Impact',
    '',
    `${incident.impact.level.charAt(0).toUpperCase()}${incident.impact.level.slice(1)}${incident.impact.summary ? `: ${escapeMarkdown(incident.impact.summary)}` : ''}.`,
    '',
    '_Who was affected, how many, for how long; revenue, data or contracts at stake._',
    '',
    '## Duration',
    '',
    ...duration(incident, end),
    '',
    '## Timeline',
    '',
    "Times are UTC; the elapsed time counts from the declaration; #n is the event number in the incident's timeline.",
    '',
    ...timeline(incident),
    '',
    '## Root cause',
    '',
    incident.rootCause !== undefined ? escapeMarkdownBlock(incident.rootCause) : '_Not recorded yet: the incident is not resolved._',
    '',
    '## Action items',
    '',
    ...(items.length > 0 ? items : ['_None recorded. What would have prevented this, detected it sooner, or fixed it faster?_']),
    '',
    '## What went well',
    '',
    TO_FILL,
    '',
    '## What went badly',
    '',
    TO_FILL,
    '',
    '## Where we got lucky',
    '',
    TO_FILL,
    '',
  ].join('\n');
}
