// Registers every contributed command from one table. The table's type demands a handler for each
// id in src/shared/ids.ts, and scripts/check-commands.mjs ties those ids to package.json. Every call,
// from wherever it comes, passes the workspace-trust gate and the options guard first.

import * as vscode from 'vscode';
import { COMMANDS, type CommandKey } from '../shared/ids';
import { commandArgsProblem } from './command-args';
import { isTrusted, showUntrusted } from './trust';
import { untrustedRefusal } from './trust-gate';

export type CommandHandlers = { readonly [K in CommandKey]: (...args: unknown[]) => unknown };

/** Why a call must not run: the workspace is untrusted for it, or its options are malformed. */
function refusal(key: CommandKey, arg: unknown): { readonly reason: string; readonly untrusted: boolean } | undefined {
  const untrusted = untrustedRefusal(key, isTrusted());
  if (untrusted !== undefined) return { reason: untrusted, untrusted: true };
  const problem = commandArgsProblem(key, arg);
  return problem !== undefined ? { reason: `${COMMANDS[key]} was called with options it does not accept (${problem}); nothing was done.`, untrusted: false } : undefined;
}

export function registerCommands(handlers: CommandHandlers, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return (Object.keys(COMMANDS) as CommandKey[]).map((key) =>
    vscode.commands.registerCommand(COMMANDS[key], async (...args: unknown[]) => {
      const refused = refusal(key, args[0]);
      if (refused) {
        // Shown but not awaited: a caller (the panel, a test) hears the outcome at once.
        if (refused.untrusted) void showUntrusted(log, refused.reason);
        else {
          log.warn(refused.reason);
          void vscode.window.showErrorMessage(`Hotfix: ${refused.reason}`);
        }
        return { ok: false, reason: refused.reason };
      }
      try {
        return await handlers[key](...args);
      } catch (error) {
        // A bug, not an expected failure (those are values): log the stack, tell the user where to look.
        log.error(`${COMMANDS[key]} failed`, error);
        const choice = await vscode.window.showErrorMessage(
          `Hotfix: ${error instanceof Error ? error.message : String(error)}`,
          'Show Log',
        );
        if (choice === 'Show Log') {
          log.show();
        }
        return undefined;
      }
    }),
  );
}
