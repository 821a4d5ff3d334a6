// Remedies as buttons: each becomes the command that does it (run with its options object), or a
// view to show; one the extension has no command for is a line for the log (remedy-map.ts decides).

import * as vscode from 'vscode';
import type { Remedy } from '../core/remedy';
import { editorRemedy } from './remedy-map';

/** A button: its title, and what clicking it does. */
export interface RemedyAction {
  readonly title: string;
  run(): unknown;
}

/**
 * The buttons for `remedies` in the repository at `root`, one per title (two remedies that open the
 * same command make one button), and the lines for the log of those without a command.
 */
export function remedyActions(remedies: readonly Remedy[], root?: string): { actions: RemedyAction[]; lines: string[] } {
  const actions: RemedyAction[] = [];
  const lines: string[] = [];
  for (const remedy of remedies) {
    const shown = editorRemedy(remedy, root);
    if (shown.kind === 'text') {
      lines.push(shown.text);
      continue;
    }
    if (actions.some((a) => a.title === shown.title)) continue;
    actions.push(
      shown.kind === 'command'
        ? { title: shown.title, run: () => vscode.commands.executeCommand(shown.command, shown.args) }
        : { title: shown.title, run: () => vscode.commands.executeCommand(`${shown.view}.focus`) },
    );
  }
  return { actions, lines };
}
