// Per-channel payloads built from a neutral message: Slack Block Kit (incoming webhook), a Teams
// Adaptive Card (workflow webhook), PagerDuty Events API v2 (alerts and change events), Atlassian
// Statuspage incidents, and a generic JSON webhook. Pure: the adapters send them.

import type { Incident, ImpactLevel } from '../incident/model';
import type { IncidentChange } from '../incident/ports';
import type { Severity } from '../severity';
import { oneLine, safeUrl, slackText, teamsText, truncate } from './escape';
import type { NotifyMessage } from './templates';

const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = { SEV0: ':rotating_light:', SEV1: ':fire:', SEV2: ':warning:', SEV3: ':information_source:' };

const KIND_EMOJI: Partial<Record<NotifyMessage['kind'], string>> = {
  resolved: ':white_check_mark:', 'deploy-started': ':rocket:', 'deploy-succeeded': ':rocket:', 'rolled-back': ':rewind:',
};

/** Slack incoming webhook: header (plain_text, 150 chars), section (mrkdwn, 3000), context (links, ids). */
export function slackPayload(m: NotifyMessage): object {
  const links = m.links.map((l) => `<${l.url}|${slackText(l.label)}>`);
  const emoji = KIND_EMOJI[m.kind] ?? SEVERITY_EMOJI[m.severity];
  const body = m.summary.map(slackText).join('\n') || slackText(m.title);
  return {
    // The notification text (phone banners, screen readers) when blocks are shown.
    text: truncate(slackText(`${m.title} (${m.incidentId}, ${m.status})`), 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(slackText(m.title), 150), emoji: false } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(body, 3000) } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: truncate(`${emoji} *${m.severity}* \u00b7 ${m.status} \u00b7 impact ${m.impact} \u00b7 ${slackText(m.incidentId)}${links.length > 0 ? ` \u00b7 ${links.join(' \u00b7 ')}` : ''}`, 3000) },
        ],
      },
    ],
  };
}

const TEAMS_COLOR: Readonly<Record<Severity, string>> = { SEV0: 'Attention', SEV1: 'Attention', SEV2: 'Warning', SEV3: 'Accent' };

/** Teams workflow webhook ("Post to a channel when a webhook request is received"): one Adaptive Card 1.4. */
export function teamsPayload(m: NotifyMessage): object {
  const content = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    msteams: { width: 'Full' },
    body: [
      { type: 'TextBlock', text: teamsText(m.title), size: 'Large', weight: 'Bolder', wrap: true, color: m.kind === 'resolved' ? 'Good' : TEAMS_COLOR[m.severity], style: 'heading' },
      {
        type: 'FactSet',
        facts: [
          { title: 'Severity', value: m.severity },
          { title: 'Status', value: m.status },
          { title: 'Impact', value: m.impact },
          { title: 'Incident', value: teamsText(m.incidentId) },
        ],
      },
      ...m.summary.map((line) => ({ type: 'TextBlock', text: teamsText(line), wrap: true, spacing: 'Small' })),
    ],
    ...(m.links.length > 0 ? { actions: m.links.map((l) => ({ type: 'Action.OpenUrl', title: teamsText(l.label), url: l.url })) } : {}),
  };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }] };
}

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';
export const PAGERDUTY_SEVERITY: Readonly<Record<Severity, PagerDutySeverity>> = { SEV0: 'critical', SEV1: 'error', SEV2: 'warning', SEV3: 'info' };

export interface PagerDutyOptions {
  readonly routingKey: string;
  /** `payload.source`: the affected system; default `hotfix-deployer`. */
  readonly source?: string;
}

export interface PagerDutyRequest {
  /** `/v2/enqueue` (alerts) or `/v2/change/enqueue` (change events). */
  readonly path: '/v2/enqueue' | '/v2/change/enqueue';
  readonly body: object;
}

const pdLinks = (m: NotifyMessage) => m.links.map((l) => ({ href: l.url, text: truncate(oneLine(l.label), 256) }));

/**
 * PagerDuty Events API v2. Incident changes are alert events deduplicated on the incident id:
 * trigger (declared, investigating again, other updates), acknowledge (moved to identified or
 * monitoring), resolve. Deploys and rollbacks are change events on the service's timeline.
 * PagerDuty shows text as plain text, so nothing is escaped beyond control characters.
 */
export function pagerDutyRequest(m: NotifyMessage, change: IncidentChange, options: PagerDutyOptions): PagerDutyRequest {
  const source = truncate(oneLine(options.source ?? 'hotfix-deployer'), 255) || 'hotfix-deployer';
  const summary = truncate(oneLine(`${m.title}`), 1024);
  const details = { incident: m.incidentId, severity: m.severity, status: m.status, impact: m.impact, summary: m.summary.map(oneLine) };
  if (m.kind === 'deploy-started' || m.kind === 'deploy-succeeded' || m.kind === 'rolled-back') {
    return {
      path: '/v2/change/enqueue',
      body: { routing_key: options.routingKey, payload: { summary, timestamp: m.at, source, custom_details: details }, links: pdLinks(m) },
    };
  }
  const movedTo = change.previous && change.previous.status !== change.incident.status ? change.incident.status : undefined;
  const action = m.kind === 'resolved' ? 'resolve' : m.kind === 'update' && (movedTo === 'identified' || movedTo === 'monitoring') ? 'acknowledge' : 'trigger';
  const body = {
    routing_key: options.routingKey,
    event_action: action,
    dedup_key: m.incidentId,
    ...(action === 'trigger'
      ? {
          payload: {
            summary,
            source,
            severity: PAGERDUTY_SEVERITY[m.severity],
            timestamp: m.at,
            ...(change.incident.components[0] !== undefined ? { component: truncate(oneLine(change.incident.components.join(', ')), 255) } : {}),
            class: 'incident',
            custom_details: details,
          },
          links: pdLinks(m),
        }
      : {}),
    client: 'Hotfix Deployer',
  };
  return { path: '/v2/enqueue', body };
}

export const STATUSPAGE_IMPACT: Readonly<Record<ImpactLevel, 'none' | 'minor' | 'major' | 'critical'>> = {
  none: 'none', low: 'minor', medium: 'minor', high: 'major', critical: 'critical',
};
export type StatuspageComponentStatus = 'operational' | 'under_maintenance' | 'degraded_performance' | 'partial_outage' | 'major_outage';
export const STATUSPAGE_COMPONENT: Readonly<Record<ImpactLevel, StatuspageComponentStatus>> = {
  none: 'operational', low: 'degraded_performance', medium: 'partial_outage', high: 'major_outage', critical: 'major_outage',
};

export interface StatuspageOptions {
  readonly pageId: string;
  /** Component ids on the page that this service's incidents affect. */
  readonly components?: readonly string[];
  /** The Statuspage incident id when the incident was posted before (then it is a PATCH). */
  readonly existingId?: string;
}

export interface StatuspageRequest {
  readonly method: 'POST' | 'PATCH';
  /** Under the API base: `/v1/pages/{page_id}/incidents[/{incident_id}]`. */
  readonly path: string;
  readonly body: { readonly incident: Record<string, unknown> };
}

const PUBLIC_TEXT: Readonly<Record<Incident['status'], string>> = {
  investigating: 'We are investigating reports of a problem and will post an update shortly.',
  identified: 'The cause has been identified and a fix is being worked on.',
  monitoring: 'A fix has been applied and we are monitoring the results.',
  resolved: 'This incident has been resolved.',
};

/**
 * Atlassian Statuspage: create (POST) or update (PATCH) the public incident. The page is public, so
 * the body is the notes of this change (what a responder chose to write) or a standard sentence per
 * status, never the internal summary (commander, root cause). Statuspage shows it as plain text.
 */
export function statuspageRequest(m: NotifyMessage, change: IncidentChange, options: StatuspageOptions): StatuspageRequest | undefined {
  if (m.kind !== 'declared' && m.kind !== 'update' && m.kind !== 'resolved') return undefined;
  const i = change.incident;
  const notes = change.events.flatMap((e) => (e.type === 'note' ? [e.text] : e.type === 'status-changed' && e.reason !== undefined ? [e.reason] : []));
  const body = truncate(oneLine(notes.join(' ')) || PUBLIC_TEXT[i.status], 5000);
  const components = options.components ?? [];
  const componentStatus = i.status === 'resolved' ? 'operational' : STATUSPAGE_COMPONENT[i.impact.level];
  const incident: Record<string, unknown> = {
    name: truncate(oneLine(i.title), 255),
    status: i.status,
    body,
    impact_override: STATUSPAGE_IMPACT[i.impact.level],
    ...(components.length > 0 ? { component_ids: [...components], components: Object.fromEntries(components.map((c) => [c, componentStatus])) } : {}),
    deliver_notifications: true,
  };
  const page = encodeURIComponent(options.pageId);
  return options.existingId !== undefined
    ? { method: 'PATCH', path: `/v1/pages/${page}/incidents/${encodeURIComponent(options.existingId)}`, body: { incident } }
    : { method: 'POST', path: `/v1/pages/${page}/incidents`, body: { incident } };
}

/** The generic JSON webhook: the event kind, the neutral message, the change's events and the incident view (timeline left out). */
export function webhookPayload(m: NotifyMessage, change: IncidentChange): object {
  const { events: _timeline, ...incident } = change.incident;
  return {
    version: 1,
    source: 'hotfix-deployer',
    kind: m.kind,
    message: { title: m.title, severity: m.severity, status: m.status, impact: m.impact, summary: m.summary, links: m.links, at: m.at },
    events: change.events,
    incident: { ...incident, eventCount: change.incident.events.length },
    ...(change.previous ? { previousStatus: change.previous.status } : {}),
  };
}

export { safeUrl };
