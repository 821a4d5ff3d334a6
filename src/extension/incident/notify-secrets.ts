// The notification channels' secrets (webhook URLs, routing keys, API keys) in VS Code
// SecretStorage, one key per channel, over the environment's HOTFIX_* variables. Values are handed
// to the notifier in memory only: never to settings, files, the log or a child process's env.

import type * as vscode from 'vscode';
import type { NotifyEnv } from '../../app/secrets';
import type { NotifyChannel } from '../../core/notify/policy';

const KEY_PREFIX = 'hotfixDeployer.notify.';
const FORGE_PREFIX = 'hotfixDeployer.forge.';

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

  /**
   * The GitLab token kept here for the GitLab at `origin` (Hotfix: Set GitLab Token…); undefined when
   * none is stored. One per host: a token is handed only to the GitLab it was stored for, whatever a
   * repository's configuration names.
   */
  async forgeToken(kind: 'gitlab', origin: string): Promise<string | undefined> {
    const value = (await this.forgeTokens(kind))[origin]?.trim();
    return value === '' ? undefined : value;
  }

  /** Stores (or with undefined, forgets) the token for the GitLab at `origin`. */
  async storeForgeToken(kind: 'gitlab', origin: string, value: string | undefined): Promise<void> {
    const { [origin]: _old, ...rest } = await this.forgeTokens(kind);
    const next = value === undefined ? rest : { ...rest, [origin]: value };
    if (Object.keys(next).length === 0) await this.secrets.delete(`${FORGE_PREFIX}${kind}`);
    else await this.secrets.store(`${FORGE_PREFIX}${kind}`, JSON.stringify(next));
  }

  /** Every stored forge token by host origin (an unreadable entry reads as none). */
  async forgeTokens(kind: 'gitlab'): Promise<Readonly<Record<string, string>>> {
    try {
      const parsed: unknown = JSON.parse((await this.secrets.get(`${FORGE_PREFIX}${kind}`)) ?? '{}');
      return typeof parsed === 'object' && parsed !== null ? Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
    } catch {
      return {};
    }
  }

  /** The environment as the notifier reads it: each stored secret over its HOTFIX_* variable. */
  async env(): Promise<NotifyEnv> {
    const { SECRET_ENV } = await import('../../app/secrets.js');
    const { NOTIFY_CHANNELS } = await import('../../core/notify/policy.js');
    const stored = await Promise.all(NOTIFY_CHANNELS.map(async (c) => [SECRET_ENV[c], (await this.secrets.get(NotificationSecrets.key(c)))?.trim() ?? ''] as const));
    return { ...process.env, ...Object.fromEntries(stored.filter(([, v]) => v !== '')) };
  }
}
