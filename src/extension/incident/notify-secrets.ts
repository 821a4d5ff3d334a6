// The notification channels' secrets (webhook URLs, routing keys, API keys) in VS Code
// SecretStorage, one key per channel, over the environment's HOTFIX_* variables. Values are handed
// to the notifier in memory only: never to settings, files, the log or a child process's env.

import type * as vscode from 'vscode';
import type { NotifyEnv } from '../../app/secrets';
import type { NotifyChannel } from '../../core/notify/policy';

const KEY_PREFIX = 'hotfixDeployer.notify.';

export class NotificationSecrets {
  /** One per activation, handed to whoever needs it (editorEnv takes it through its deps). */
  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** The SecretStorage key of a channel's secret. */
  static key(channel: NotifyChannel): string {
    return `${KEY_PREFIX}${channel}`;
  }

  async has(channel: NotifyChannel): Promise<boolean> {
    return ((await this.secrets.get(NotificationSecrets.key(channel))) ?? '') !== '';
  }

  async store(channel: NotifyChannel, value: string): Promise<void> {
    await this.secrets.store(NotificationSecrets.key(channel), value);
  }

  async remove(channel: NotifyChannel): Promise<void> {
    await this.secrets.delete(NotificationSecrets.key(channel));
  }

  /** A forge's token kept here (GitLab: Hotfix: Set GitLab Token…); undefined when none is stored. */
  async forgeToken(kind: 'gitlab'): Promise<string | undefined> {
    const value = (await this.secrets.get(`hotfixDeployer.forge.${kind}`))?.trim();
    return value === '' ? undefined : value;
  }

  async storeForgeToken(kind: 'gitlab', value: string): Promise<void> {
    await this.secrets.store(`hotfixDeployer.forge.${kind}`, value);
  }

  /** The environment as the notifier reads it: each stored secret over its HOTFIX_* variable. */
  async env(): Promise<NotifyEnv> {
    const { SECRET_ENV } = await import('../../app/secrets.js');
    const { NOTIFY_CHANNELS } = await import('../../core/notify/policy.js');
    const stored = await Promise.all(NOTIFY_CHANNELS.map(async (c) => [SECRET_ENV[c], (await this.secrets.get(NotificationSecrets.key(c)))?.trim() ?? ''] as const));
    return { ...process.env, ...Object.fromEntries(stored.filter(([, v]) => v !== '')) };
  }
}
