// The git repositories of the open workspace folders, kept current as folders come and go.
// The git adapter is loaded on first use, so activation does not pay for simple-git.

import * as vscode from 'vscode';
import type { RepositoryLocation } from '../adapters/git/discovery';
import { CONTEXT_KEYS } from '../shared/ids';
import { Disposable } from './lifecycle';

export class Repositories extends Disposable {
  private current: readonly RepositoryLocation[] = [];
  private scanning: Promise<void> | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<readonly RepositoryLocation[]>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()));
  }

  get all(): readonly RepositoryLocation[] {
    return this.current;
  }

  /** Resolves when the scan in progress (or a new one) has finished. */
  refresh(): Promise<void> {
    this.scanning ??= this.scan().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  private async scan(): Promise<void> {
    const { locateRepository } = await import('../adapters/git/discovery.js');
    const folders = vscode.workspace.workspaceFolders ?? [];
    const found = await Promise.all(
      folders.filter((folder) => folder.uri.scheme === 'file').map((folder) => locateRepository(folder.uri.fsPath)),
    );
    const unique = new Map<string, RepositoryLocation>();
    for (const location of found) {
      if (location) {
        unique.set(location.root, location);
      }
    }
    this.current = [...unique.values()];
    this.log.info(`repositories: ${this.current.length === 0 ? 'none' : this.current.map((r) => r.root).join(', ')}`);
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.repositoryCount, this.current.length);
    this.changed.fire(this.current);
  }
}
