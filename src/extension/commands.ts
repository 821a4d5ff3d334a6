// Registers every contributed command from one table. The table's type demands a handler for each
// id in src/shared/ids.ts, and scripts/check-commands.mjs ties those ids to package.json.

import * as vscode from 'vscode';
import { COMMANDS, type CommandKey } from '../shared/ids';

export type CommandHandlers = { readonly [K in CommandKey]: (...args: unknown[]) => unknown };

export function registerCommands(handlers: CommandHandlers, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return (Object.keys(COMMANDS) as CommandKey[]).map((key) =>
    vscode.commands.registerCommand(COMMANDS[key], async (...args: unknown[]) => {
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
