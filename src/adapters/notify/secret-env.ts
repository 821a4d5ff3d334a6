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

/** Every channel secret set in `env`. */
export function notifySecrets(env: NotifyEnv): string[] {
  return NOTIFY_CHANNELS.map((c) => env[SECRET_ENV[c]]?.trim() ?? '').filter((s) => s !== '');
}

/** The redaction of every channel secret set in `env`. */
export function secretRedactor(env: NotifyEnv): Redact {
  return redactor(notifySecrets(env));
}
