// The notification sinks from the team configuration (which channels are on) and the environment
// or SecretStorage (their secrets). Each sink sends what the policy says it hears (core/notify/policy:
// incident changes when broadcast, deploys and rollbacks always), renders the
// team's template (`.hotfix/templates/<kind>.md`) or the default, builds the channel's payload,
// delivers it (http-sender) within the notification deadline and records the outcome in the audit
// trail: policy and an audit record, so it is the application layer's, not an adapter. Used by every
// operation that changes an incident, from the CLI and VS Code (SecretStorage values in `env`).

import { parseDuration } from '../core/config/duration';
import type { HotfixConfigFile, NotificationsConfig } from '../core/config/types';
import type { EventPayload } from '../core/incident/events';
import type { IncidentChange, IncidentSink } from '../core/incident/ports';
import type { AuditLog, Clock } from '../core/ports';
import { channelSends, NOTIFY_CHANNELS, type NotifyChannel } from '../core/notify/policy';
import { pagerDutyRequest, slackPayload, statuspageRequest, teamsPayload, webhookPayload } from '../core/notify/payloads';
import { defaultTemplate, MESSAGE_KINDS, messageKind, parseTemplate, renderMessage, statuspageIncidentId, STATUSPAGE_LINK_LABEL, type MessageKind, type NotifyMessage, type Template } from '../core/notify/templates';
import { sendHttp, type DeliveryReport, type SendOptions } from '../adapters/notify/http-sender';
import { SECRET_ENV, type NotifyEnv } from '../adapters/notify/secret-env';
import { readTemplateFile } from '../adapters/notify/template-file';

export { SECRET_ENV, type NotifyEnv };
export type Channel = NotifyChannel;
export const CHANNELS: readonly Channel[] = NOTIFY_CHANNELS;

/** How long a change's notifications may take, all channels at once, when `notifications.deadline` does not say. */
export const DEFAULT_NOTIFY_DEADLINE = '15s';

export interface SinkOptions {
  /** The repository root, for `.hotfix/templates/`; without it the default texts are used. */
  readonly root?: string;
  /** Where each delivery's outcome is recorded (`incident.notify`). */
  readonly audit?: AuditLog;
  readonly actor?: string;
  readonly clock?: Pick<Clock, 'now'>;
  /** Appends events to the incident (the Statuspage incident id, as a link); given by the caller that owns the engine context. */
  readonly record?: (incidentId: string, payloads: readonly EventPayload[]) => Promise<void>;
  readonly send?: SendOptions;
}

/** The channels `notifications:` turns on, in a fixed order. */
export function enabledChannels(notifications: NotificationsConfig | null | undefined): Channel[] {
  if (!notifications) return [];
  return CHANNELS.filter((c) => c in notifications && notifications[c]?.enabled !== false);
}

const isUrl = (value: string): boolean => {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
};

/**
 * One sink per channel that `config.notifications` turns on. A channel without its secret is still
 * a sink: it reports `not configured: set HOTFIX_...` instead of being skipped silently.
 */
export function buildSinks(config: HotfixConfigFile, env: NotifyEnv, options: SinkOptions = {}): IncidentSink[] {
  const notifications = config.notifications ?? undefined;
  const templates = templateLoader(options.root);
  const deadline = notifyDeadline(notifications);
  return enabledChannels(notifications).map((channel) => {
    const secret = env[SECRET_ENV[channel]]?.trim() ?? '';
    const deliver = channelDelivery(channel, secret, notifications ?? {}, env, options);
    return {
      name: channel,
      publish: async (change: IncidentChange) => {
        const kind = messageKind(change);
        if (!channelSends(channel, kind, change.broadcast)) return [];
        // The engine publishes to every channel at once, so each one's deadline is the change's.
        const send: SendOptions = { ...options.send, deadlineAt: (options.send?.now ?? Date.now)() + deadline.ms, deadlineText: deadline.text };
        let report: DeliveryReport;
        let warnings: readonly string[] = [];
        const template = typeof deliver === 'string' ? undefined : await templates(kind);
        if (typeof deliver === 'string') {
          report = { channel, ok: false, detail: deliver, attempts: 0 };
        } else if (template && 'refused' in template) {
          report = { channel, ok: false, detail: template.refused, attempts: 0 };
        } else {
          const message = renderMessage(change, template);
          warnings = message.warnings;
          report = await deliver(message, change, send).catch((error: unknown) => ({
            channel, ok: false, detail: `could not send: ${error instanceof Error ? error.message : String(error)}`, attempts: 0,
          }));
        }
        const shown: DeliveryReport = warnings.length > 0 ? { ...report, detail: `${report.detail} (template: ${warnings.join(', ')})` } : report;
        const unrecorded = await audit(options, change, shown);
        return [unrecorded ? { ...shown, detail: `${shown.detail}; the audit record of it failed: ${unrecorded}` } : shown];
      },
    };
  });
}

type Deliver = (message: NotifyMessage, change: IncidentChange, send: SendOptions) => Promise<DeliveryReport>;

/** `notifications.deadline` (the schema checks its form), else the default. */
function notifyDeadline(notifications: NotificationsConfig | undefined): { ms: number; text: string } {
  const text = notifications?.deadline?.trim() || DEFAULT_NOTIFY_DEADLINE;
  const ms = parseDuration(text);
  return ms !== undefined && ms > 0 ? { ms, text } : { ms: parseDuration(DEFAULT_NOTIFY_DEADLINE) ?? 15_000, text: DEFAULT_NOTIFY_DEADLINE };
}

/** The function that delivers on a channel, or why it cannot (a missing or malformed secret). */
function channelDelivery(channel: Channel, secret: string, n: NotificationsConfig, env: NotifyEnv, options: SinkOptions): Deliver | string {
  const variable = SECRET_ENV[channel];
  if (secret === '') return `not configured: set ${variable}`;
  switch (channel) {
    case 'slack':
    case 'teams':
    case 'webhook': {
      if (!isUrl(secret)) return `not configured: ${variable} is not an http(s) URL`;
      const build = channel === 'slack' ? slackPayload : channel === 'teams' ? teamsPayload : undefined;
      return async (m, change, send) => (await sendHttp({ channel, url: secret, body: build ? build(m) : webhookPayload(m, change), secrets: [secret] }, send)).report;
    }
    case 'pagerduty': {
      const base = (env.HOTFIX_PAGERDUTY_API_BASE?.trim() || 'https://events.pagerduty.com').replace(/\/+$/, '');
      if (!isUrl(base)) return 'not configured: HOTFIX_PAGERDUTY_API_BASE is not an http(s) URL';
      return async (m, change, send) => {
        const request = pagerDutyRequest(m, change, { routingKey: secret, ...(n.pagerduty?.source !== undefined ? { source: n.pagerduty.source } : {}) });
        return (await sendHttp({ channel, url: `${base}${request.path}`, body: request.body, secrets: [secret] }, send)).report;
      };
    }
    case 'statuspage': {
      const base = (env.HOTFIX_STATUSPAGE_API_BASE?.trim() || 'https://api.statuspage.io').replace(/\/+$/, '');
      if (!isUrl(base)) return 'not configured: HOTFIX_STATUSPAGE_API_BASE is not an http(s) URL';
      const page = n.statuspage;
      if (!page?.pageId) return 'not configured: notifications.statuspage.pageId is missing in .hotfix/config.yaml';
      return async (m, change, send) => {
        const existingId = statuspageIncidentId(change.incident);
        const request = statuspageRequest(m, change, { pageId: page.pageId, ...(page.components ? { components: page.components } : {}), ...(existingId !== undefined ? { existingId } : {}) });
        if (!request) return { channel, ok: true, detail: `nothing to post for ${m.kind} (deploys are not shown on the public page)`, attempts: 0 };
        const sent = await sendHttp({ channel, url: `${base}${request.path}`, method: request.method, headers: { authorization: `OAuth ${secret}` }, body: request.body, secrets: [secret] }, send);
        const id = (sent.response as { id?: unknown } | undefined)?.id;
        if (sent.report.ok && request.method === 'POST' && typeof id === 'string' && /^[A-Za-z0-9]+$/.test(id) && options.record) {
          // Remember the Statuspage incident, so later updates PATCH it rather than open another.
          const url = `https://manage.statuspage.io/pages/${encodeURIComponent(page.pageId)}/incidents/${id}`;
          try {
            await options.record(change.incident.id, [{ type: 'link-added', kind: 'other', url, label: `${STATUSPAGE_LINK_LABEL}${id}` }]);
          } catch (error) {
            return { ...sent.report, detail: `${sent.report.detail}; but its id ${id} could not be recorded (${error instanceof Error ? error.message : String(error)}): the next update opens a new one` };
          }
          return { ...sent.report, detail: `${sent.report.detail}; Statuspage incident ${id}` };
        }
        return sent.report;
      };
    }
  }
}

/**
 * Reads `.hotfix/templates/<kind>.md` once per kind; a missing file means the default text. One that
 * is not a regular file inside the repository (template-file) is refused: that message is not sent,
 * since the default text would hide that someone committed a link to a secret.
 */
function templateLoader(root: string | undefined): (kind: MessageKind) => Promise<Template | { readonly refused: string }> {
  const cache = new Map<MessageKind, Promise<Template | { readonly refused: string }>>();
  return (kind) => {
    let found = cache.get(kind);
    if (!found) {
      found = root === undefined || !MESSAGE_KINDS.includes(kind)
        ? Promise.resolve(defaultTemplate(kind))
        : readTemplateFile(root, kind).then((file) => (!file.ok ? { refused: file.reason } : file.text === undefined ? defaultTemplate(kind) : parseTemplate(file.text, kind)));
      cache.set(kind, found);
    }
    return found;
  };
}

/** Records the delivery; answers why it could not, if it could not. */
async function audit(options: SinkOptions, change: IncidentChange, report: DeliveryReport): Promise<string | undefined> {
  if (!options.audit) return undefined;
  try {
    await options.audit.append({
      at: (options.clock?.now() ?? new Date()).toISOString(),
      actor: options.actor ?? change.events[change.events.length - 1]?.actor ?? change.incident.declaredBy,
      action: 'incident.notify',
      subject: change.incident.id,
      after: report.ok ? 'delivered' : 'failed',
      details: {
        incident: change.incident.id,
        channel: report.channel,
        ok: report.ok,
        attempts: report.attempts,
        ...(report.status !== undefined ? { status: report.status } : {}),
        detail: report.detail,
      },
    });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
