// Hotfix: Configure Notifications…: pick a channel, paste its secret into a password box (checked:
// https URLs, a non-empty key), kept in SecretStorage; or remove it. The value is never shown,
// logged, or written to settings or files. Options `{ channel, value }` or `{ channel, remove: true }`
// do the same without asking (tests, other extensions).

import * as vscode from 'vscode';
import { checkSecret, NOTIFY_CHANNELS, SECRET_LABEL, type NotifyChannel } from '../../core/notify/policy';
import type { Repositories } from '../repositories';
import type { NotificationSecrets } from './notify-secrets';

export interface ConfigureNotificationsArgs {
  readonly channel?: string;
  /** The secret to store; with it nothing is asked. */
  readonly value?: string;
  /** Clear the channel's stored secret. */
  readonly remove?: boolean;
}

export type ConfigureResult =
  | { readonly ok: true; readonly value: { readonly channel: NotifyChannel; readonly stored: boolean; readonly enabledInConfig: boolean } }
  | { readonly ok: false; readonly reason: string };

export interface ConfigureDeps {
  readonly repositories: Repositories;
  readonly secrets: NotificationSecrets;
  readonly log: vscode.LogOutputChannel;
}

const NAMES: Readonly<Record<NotifyChannel, string>> = { slack: 'Slack', teams: 'Microsoft Teams', pagerduty: 'PagerDuty', statuspage: 'Statuspage', webhook: 'Webhook' };
const isChannel = (value: unknown): value is NotifyChannel => typeof value === 'string' && (NOTIFY_CHANNELS as readonly string[]).includes(value);
const cancelled = { ok: false as const, reason: 'cancelled' };

/** Whether some open repository's .hotfix/config.yaml turns the channel on (secrets alone send nothing). */
async function enabledSomewhere(repositories: Repositories, channel: NotifyChannel): Promise<boolean> {
  const { channelsOn } = await import('../../app/notify-channels.js');
  for (const repo of repositories.all) {
    if ((await channelsOn(repo.root)).includes(channel)) return true;
  }
  return false;
}

async function pickChannel(secrets: NotificationSecrets): Promise<NotifyChannel | undefined> {
  const { SECRET_ENV } = await import('../../app/secrets.js');
  const items = await Promise.all(
    NOTIFY_CHANNELS.map(async (channel) => {
      const stored = await secrets.has(channel);
      const fromEnv = (process.env[SECRET_ENV[channel]] ?? '').trim() !== '';
      return { label: NAMES[channel], description: SECRET_LABEL[channel], detail: stored ? 'stored in VS Code' : fromEnv ? `from ${SECRET_ENV[channel]}` : 'not set', channel };
    }),
  );
  return (await vscode.window.showQuickPick(items, { title: 'Hotfix: Configure Notifications (1/2): channel', placeHolder: 'Which channel?', ignoreFocusOut: true }))?.channel;
}

export async function configureNotificationsCommand(deps: ConfigureDeps, arg?: unknown): Promise<ConfigureResult> {
  const args: ConfigureNotificationsArgs = typeof arg === 'object' && arg !== null ? arg : {};
  if (args.channel !== undefined && !isChannel(args.channel)) return { ok: false, reason: `"${args.channel}" is not a channel; use ${NOTIFY_CHANNELS.join(', ')}.` };
  const channel = isChannel(args.channel) ? args.channel : await pickChannel(deps.secrets);
  if (!channel) return cancelled;
  const name = NAMES[channel];

  let remove = args.remove === true;
  if (!remove && args.value === undefined && (await deps.secrets.has(channel))) {
    const action = await vscode.window.showQuickPick(
      [
        { label: 'Replace…', description: `enter a new ${SECRET_LABEL[channel]}`, remove: false },
        { label: 'Remove', description: 'forget the stored one (the environment variable applies again, if set)', remove: true },
      ],
      { title: `Hotfix: Configure Notifications (2/2): ${name}`, ignoreFocusOut: true },
    );
    if (!action) return cancelled;
    remove = action.remove;
  }
  const enabledInConfig = await enabledSomewhere(deps.repositories, channel);
  if (remove) {
    await deps.secrets.remove(channel);
    deps.log.info(`notifications: the ${name} secret was removed from VS Code's secret storage`);
    void vscode.window.showInformationMessage(`Hotfix: the ${SECRET_LABEL[channel]} was removed.`);
    return { ok: true, value: { channel, stored: false, enabledInConfig } };
  }

  const value =
    args.value ??
    (await vscode.window.showInputBox({
      title: `Hotfix: Configure Notifications (2/2): ${name}`,
      prompt: `The ${SECRET_LABEL[channel]}. Kept in VS Code's secret storage, never in settings or files.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (text) => {
        const checked = checkSecret(channel, text);
        return checked.ok ? undefined : checked.reason;
      },
    }));
  if (value === undefined) return cancelled;
  const checked = checkSecret(channel, value);
  if (!checked.ok) {
    void vscode.window.showErrorMessage(`Hotfix: ${checked.reason}`);
    return { ok: false, reason: checked.reason };
  }
  await deps.secrets.store(channel, checked.value);
  deps.log.info(`notifications: the ${name} secret was stored in VS Code's secret storage`);
  const turnOn = enabledInConfig ? '' : ` Turn the channel on with "${channel}: {}" under notifications: in .hotfix/config.yaml.`;
  void vscode.window.showInformationMessage(`Hotfix: the ${SECRET_LABEL[channel]} is stored.${turnOn}`);
  return { ok: true, value: { channel, stored: true, enabledInConfig } };
}
