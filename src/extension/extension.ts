// Entry point: wiring only. Creates the output channel, the repository list, the views and the
// commands, and hands them to VS Code to dispose. No business rules live here.

import * as vscode from 'vscode';
import { OUTPUT_CHANNEL } from '../shared/ids';
import { registerCommands } from './commands';
import { Repositories } from './repositories';
import { Explorer } from './views/explorer';

/** What the extension offers other extensions (and its own host tests) through `exports`. */
export interface HotfixDeployerApi {
  /** Work-tree roots of the git repositories found in the workspace folders. */
  repositories(): Promise<readonly string[]>;
}

export function activate(context: vscode.ExtensionContext): HotfixDeployerApi {
  const started = Date.now();
  const log = vscode.window.createOutputChannel(OUTPUT_CHANNEL, { log: true });
  const repositories = new Repositories(log);
  const explorer = new Explorer();
  context.subscriptions.push(log, repositories, explorer);
  context.subscriptions.push(repositories.onDidChange(() => explorer.refresh()));

  context.subscriptions.push(
    ...registerCommands(
      {
        refresh: () => repositories.refresh(),
        showLog: () => log.show(),
      },
      log,
    ),
  );

  const firstScan = repositories.refresh();
  log.info(`activated in ${Date.now() - started} ms`);
  return {
    repositories: async () => {
      await firstScan;
      return repositories.all.map((r) => r.root);
    },
  };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
