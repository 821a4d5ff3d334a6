// Which channel hears which change, and what a channel's secret must look like. Incident changes
// (declared, update, resolved) are words a person chose to send: they go out only when asked
// (`--broadcast`, or the broadcast option in VS Code). Deploys and rollbacks linked to an incident go
// out by themselves, because nobody is there to ask when a gate rolls production back in CI.

import { failed, succeeded, type Result } from '../result';
import type { MessageKind } from './templates';

export const NOTIFY_CHANNELS = ['slack', 'teams', 'pagerduty', 'statuspage', 'webhook'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

export const DEPLOY_KINDS: readonly MessageKind[] = ['deploy-started', 'deploy-succeeded', 'rolled-back'];

export function isDeployKind(kind: MessageKind): boolean {
  return DEPLOY_KINDS.includes(kind);
}

/**
 * Whether `channel` sends a change told as `kind`:
 * - declared, update, resolved: only when broadcast was asked for, on every channel;
 * - deploys and rollbacks: always on the team's channels (Slack, Teams, the webhook) and PagerDuty,
 *   where they are change events that page nobody and sit beside the alert; never on Statuspage,
 *   whose public page tells customers about the incident, not about each deploy.
 */
export function channelSends(channel: NotifyChannel, kind: MessageKind, broadcast: boolean): boolean {
  if (isDeployKind(kind)) return channel !== 'statuspage';
  return broadcast;
}

/** What each channel's secret is, for prompts and messages. */
export const SECRET_LABEL: Readonly<Record<NotifyChannel, string>> = {
  slack: 'Slack incoming webhook URL',
  teams: 'Microsoft Teams workflow webhook URL',
  pagerduty: 'PagerDuty Events API v2 routing key',
  statuspage: 'Atlassian Statuspage API key',
  webhook: 'generic webhook URL',
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks a secret before it is stored: webhook URLs must be https (http only to 127.0.0.1 or
 * localhost, for testing), keys must be one non-empty token. The reason never repeats the value.
 */
export function checkSecret(channel: NotifyChannel, value: string): Result<string> {
  const text = value.trim();
  if (text === '') return failed(`The ${SECRET_LABEL[channel]} is empty.`);
  if (channel === 'pagerduty' || channel === 'statuspage') {
    return /\s/.test(text) ? failed(`The ${SECRET_LABEL[channel]} cannot contain spaces.`) : succeeded(text);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return failed(`The ${SECRET_LABEL[channel]} is not a URL.`, 'Paste the whole URL, starting with https://.');
  }
  if (url.protocol === 'https:') return succeeded(text);
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return succeeded(text);
  return failed(`The ${SECRET_LABEL[channel]} must start with https:// (http:// only to 127.0.0.1 or localhost, for testing).`);
}
