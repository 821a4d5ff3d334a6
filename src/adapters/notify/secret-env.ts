// Where the notification channels' secrets live in an environment (the process's for the CLI;
// SecretStorage values laid over it in VS Code), and the redaction built from them. Small on purpose:
// the CLI loads it at start-up to redact everything it prints.

import { NOTIFY_CHANNELS, type NotifyChannel } from '../../core/notify/policy';
import { redactor, type Redact } from '../../core/secrets/redact';

/** The environment variable that holds each channel's secret. */
export const SECRET_ENV: Readonly<Record<NotifyChannel, string>> = {
  slack: 'HOTFIX_SLACK_WEBHOOK_URL',
  teams: 'HOTFIX_TEAMS_WEBHOOK_URL',
  pagerduty: 'HOTFIX_PAGERDUTY_ROUTING_KEY',
  statuspage: 'HOTFIX_STATUSPAGE_API_KEY',
  webhook: 'HOTFIX_WEBHOOK_URL',
};

export type NotifyEnv = Readonly<Record<string, string | undefined>>;

/** The forges' tokens (git.finish: pull-request), in the environment as their own CLIs read them. */
export const FORGE_TOKEN_ENV = { github: ['GITHUB_TOKEN', 'GH_TOKEN'], gitlab: ['GITLAB_TOKEN'] } as const;

/** Every channel secret and forge token set in `env`: none of them is ever printed or logged. */
export function notifySecrets(env: NotifyEnv): string[] {
  const names = [...NOTIFY_CHANNELS.map((c) => SECRET_ENV[c]), ...FORGE_TOKEN_ENV.github, ...FORGE_TOKEN_ENV.gitlab];
  return names.map((name) => env[name]?.trim() ?? '').filter((s) => s !== '');
}

/** The redaction of every channel secret and forge token set in `env`, and of the `more` given (tokens kept elsewhere). */
export function secretRedactor(env: NotifyEnv, more: readonly string[] = []): Redact {
  return redactor([...notifySecrets(env), ...more.filter((s) => s.trim() !== '')]);
}
