// Opens a repository's incidents with its notification channels attached: the channels that
// `notifications:` in .hotfix/config.yaml turns on, their secrets from `env` (the environment for the
// CLI; SecretStorage over the environment in VS Code). The CLI incident verbs, the deploy link into
// the incident timeline and the extension all start here, so they notify alike.

import { readConfigFile, type ConfigReader } from '../adapters/config-file';
import { openIncidents, type IncidentOpenOptions, type OpenIncidents } from '../adapters/incident-workspace';
import { recordIncidentEvents } from '../core/incident/engine';
import type { IncidentContext, IncidentSink } from '../core/incident/ports';
import type { Result } from '../core/result';
import { redactingAuditLog, redactingIncidentStore } from '../core/secrets/redacting-ports';
import type { SendOptions } from '../adapters/notify/http-sender';
import { secretRedactor } from '../adapters/notify/secret-env';
import { buildSinks, type NotifyEnv } from './notify-sinks';

export interface NotifyOptions {
  /** Where the channels' secrets come from; default process.env. */
  readonly env?: NotifyEnv;
  readonly send?: SendOptions;
  /** The operation's configuration reader (read once); default: the file, read now. */
  readonly readConfig?: ConfigReader;
}

/**
 * The channels turned on for the repository at `root`. A configuration that cannot be read does
 * not stop anything: a broadcast then reports why nothing was sent.
 */
export async function notificationSinks(ctx: IncidentContext, root: string, options: NotifyOptions = {}): Promise<IncidentSink[]> {
  const config = await (options.readConfig ?? readConfigFile)(root);
  if (!config.ok) {
    const detail = `nothing sent: ${config.reason}`;
    return [{ name: 'notifications', publish: (change) => Promise.resolve(change.broadcast ? [{ channel: 'notifications', ok: false, detail }] : []) }];
  }
  return buildSinks(config.value, options.env ?? process.env, {
    root,
    audit: ctx.audit,
    actor: ctx.actor,
    clock: ctx.clock,
    ...(options.send ? { send: options.send } : {}),
    record: async (id, payloads) => {
      // A Statuspage incident id, as a link event: an `update` that no channel sends unasked.
      const recorded = await recordIncidentEvents(ctx, id, payloads);
      if (!recorded.ok) throw new Error(recorded.reason);
    },
  });
}

/**
 * openIncidents, with the notification channels among the context's sinks, and the channels' secrets
 * redacted from every audit record and incident event before it is written: a receiver's error page
 * may echo a secret into a report, and those records are permanent and shared.
 */
export async function openNotifyingIncidents(dir: string, options: IncidentOpenOptions = {}, notify: NotifyOptions = {}): Promise<Result<OpenIncidents>> {
  const channels: IncidentSink[] = [...(options.sinks ?? [])];
  // The channels need the context (its audit log, actor, clock), so they join the array it holds once it exists.
  const opened = await openIncidents(dir, { ...options, sinks: channels, ...(notify.readConfig && !options.readConfig ? { readConfig: notify.readConfig } : {}) });
  if (!opened.ok) return opened;
  const redact = secretRedactor(notify.env ?? process.env);
  const { context } = opened.value;
  const redacting = { ...context, store: redactingIncidentStore(context.store, redact), audit: redactingAuditLog(context.audit, redact) };
  channels.push(...(await notificationSinks(redacting, opened.value.location.root, notify)));
  return { ok: true, value: { ...opened.value, context: redacting } };
}
