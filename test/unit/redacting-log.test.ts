// The extension's output channel without VS Code: every message and error passes the redaction of
// the notification secrets, from the environment at first and from SecretStorage once read or changed.
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { NotificationSecrets } from '../../src/extension/incident/notify-secrets';
import { redactingLog } from '../../src/extension/redacting-log';

const STORED = 'https://hooks.slack.com/services/T07Q8R9S0/B07A1B2C3D4/xOxOsEcReTtOkEn1234abcd';

function fakeChannel(lines: string[]): vscode.LogOutputChannel {
  const line = (level: string) => (message: string | Error, ...args: unknown[]) =>
    lines.push([level, message instanceof Error ? `${message.name}: ${message.message}` : message, ...args.map((a) => (a instanceof Error ? a.message : String(a)))].join(' '));
  return {
    name: 'Hotfix Deployer',
    logLevel: 2,
    onDidChangeLogLevel: () => ({ dispose: () => undefined }),
    trace: line('trace'),
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    append: (v: string) => lines.push(`append ${v}`),
    appendLine: (v: string) => lines.push(`appendLine ${v}`),
    replace: (v: string) => lines.push(`replace ${v}`),
    clear: () => undefined,
    show: () => undefined,
    hide: () => undefined,
    dispose: () => lines.push('disposed'),
  };
}

describe('extension: the output channel redacts the notification secrets', () => {
  it('redacts messages, arguments and errors with the secrets of SecretStorage (a stored GitLab token too), and again after a change', async () => {
    const lines: string[] = [];
    let stored = STORED;
    let changed = (): void => undefined;
    const gitlab = 'glpat-Zx81kQv4T9mWs2Lr7YbN';
    const secrets = {
      env: () => Promise.resolve({ HOTFIX_SLACK_WEBHOOK_URL: stored }),
      forgeTokens: () => Promise.resolve({ 'https://gitlab.example.com': gitlab }),
    } as unknown as NotificationSecrets;
    const onDidChange: vscode.Event<unknown> = (listener) => {
      changed = () => {
        listener(undefined);
      };
      return { dispose: () => undefined };
    };
    const log = redactingLog(fakeChannel(lines), secrets, onDidChange);
    await new Promise((resolve) => setImmediate(resolve)); // SecretStorage read at start

    log.info('Slack answered: Cannot POST /services/T07Q8R9S0/B07A1B2C3D4/xOxOsEcReTtOkEn1234abcd', 'token xOxOsEcReTtOkEn1234abcd', 3);
    log.error(new Error(`fetch failed for ${STORED}`));
    log.warn('reading incidents', new Error('no_team B07A1B2C3D4'));
    log.appendLine(`url ${encodeURIComponent(STORED)}`);
    log.warn(`GitLab answered 401 for PRIVATE-TOKEN ${gitlab}`);
    assert.deepEqual(lines, [
      'info Slack answered: Cannot POST [redacted] token [redacted] 3',
      'error Error: fetch failed for [redacted]',
      'warn reading incidents no_team [redacted]',
      'appendLine url [redacted]',
      'warn GitLab answered 401 for PRIVATE-TOKEN [redacted]',
    ]);

    stored = 'https://hooks.example/hook/N3wS3cr3tT0ken';
    changed();
    await new Promise((resolve) => setImmediate(resolve));
    log.info('now https://hooks.example/hook/N3wS3cr3tT0ken');
    assert.equal(lines.at(-1), 'info now [redacted]');
    log.dispose();
    assert.equal(lines.at(-1), 'disposed');
  });
});
