// The output channel as the whole extension writes to it, with the notification channels' secrets and
// the stored GitLab tokens (SecretStorage over the environment) redacted from every message and error:
// a receiver's error page or a fetch error may quote a webhook URL, and the log is copied into bug reports.

import type * as vscode from 'vscode';
import { secretRedactor } from '../app/secrets';
import type { Redact } from '../core/secrets/redact';
import type { NotificationSecrets } from './incident/notify-secrets';

function redactArg(redact: Redact, arg: unknown): unknown {
  if (arg instanceof Error) {
    const copy = new Error(redact(arg.message));
    copy.name = arg.name;
    copy.stack = arg.stack !== undefined ? redact(arg.stack) : undefined;
    return copy;
  }
  // Other values (a Uri, a count) are passed as they are: turning them into plain objects would lose them.
  return typeof arg === 'string' ? redact(arg) : arg;
}

/**
 * Wraps `log`; the redaction starts from the environment and is rebuilt from SecretStorage now and
 * whenever a secret changes (`onDidChange`), so a secret stored a moment ago is redacted too.
 */
export function redactingLog(log: vscode.LogOutputChannel, secrets: NotificationSecrets, onDidChange: vscode.Event<unknown>): vscode.LogOutputChannel & vscode.Disposable {
  let redact = secretRedactor(process.env);
  const refresh = () => {
    Promise.all([secrets.env(), secrets.forgeTokens('gitlab')]).then(
      ([env, tokens]) => (redact = secretRedactor(env, Object.values(tokens))),
      () => undefined, // SecretStorage unavailable: the environment's redaction stays
    );
  };
  refresh();
  const listening = onDidChange(refresh);
  const args = (values: unknown[]) => values.map((v) => redactArg(redact, v));
  return {
    get name() {
      return log.name;
    },
    get logLevel() {
      return log.logLevel;
    },
    onDidChangeLogLevel: log.onDidChangeLogLevel,
    trace: (message: string, ...rest: unknown[]) => log.trace(redact(message), ...args(rest)),
    debug: (message: string, ...rest: unknown[]) => log.debug(redact(message), ...args(rest)),
    info: (message: string, ...rest: unknown[]) => log.info(redact(message), ...args(rest)),
    warn: (message: string, ...rest: unknown[]) => log.warn(redact(message), ...args(rest)),
    error: (error: string | Error, ...rest: unknown[]) => log.error(typeof error === 'string' ? redact(error) : (redactArg(redact, error) as Error), ...args(rest)),
    append: (value: string) => log.append(redact(value)),
    appendLine: (value: string) => log.appendLine(redact(value)),
    replace: (value: string) => log.replace(redact(value)),
    clear: () => log.clear(),
    show: (first?: boolean | vscode.ViewColumn, preserveFocus?: boolean) => (typeof first === 'boolean' || first === undefined ? log.show(first) : log.show(first, preserveFocus)),
    hide: () => log.hide(),
    dispose: () => {
      listening.dispose();
      log.dispose();
    },
  };
}
