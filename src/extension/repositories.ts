// The git repositories of the open workspace folders, kept current as folders come and go.
// The git adapter is loaded on first use, so activation does not pay for simple-git.

import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RepositoryLocation } from '../app/repository';
import { CONTEXT_KEYS } from '../shared/ids';
import { Disposable } from './lifecycle';

export class Repositories extends Disposable {
  private current: readonly RepositoryLocation[] = [];
  private scanning: Promise<void> | undefined;
  private scanned = false;
  /** Roots refused by known(), so a caller that keeps trying is logged once. */
  private readonly refused = new Set<string>();
  private readonly changed = this.register(new vscode.EventEmitter<readonly RepositoryLocation[]>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()));
  }

  get all(): readonly RepositoryLocation[] {
    return this.current;
  }

  /**
   * The root of the open repository that `root` names (the same folder, however spelled), or
   * undefined: a path from a command's options, the panel or another extension is acted on only when
   * it is one of the repositories open in this window.
   */
  async known(root: string): Promise<string | undefined> {
    if (this.scanning) await this.scanning;
    else if (!this.scanned) await this.refresh();
    const asked = path.resolve(root);
    const exact = this.current.find((r) => r.root === asked);
    if (exact) return exact.root;
    const real = await realpath(asked).catch(() => undefined);
    if (real !== undefined) {
      for (const repo of this.current) {
        if ((await realpath(repo.root).catch(() => repo.root)) === real) return repo.root;
      }
    }
    if (!this.refused.has(asked)) {
      this.refused.add(asked);
      this.log.warn(`ignored ${asked}: not a git repository open in this window`);
    }
    return undefined;
  }

  /** Resolves when the scan in progress (or a new one) has finished. */
  refresh(): Promise<void> {
    this.scanning ??= this.scan().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  private async scan(): Promise<void> {
    const { findRepository } = await import('../app/repository.js');
    const folders = vscode.workspace.workspaceFolders ?? [];
    const found = await Promise.all(
      folders.filter((folder) => folder.uri.scheme === 'file').map((folder) => findRepository(folder.uri.fsPath)),
    );
    const unique = new Map<string, RepositoryLocation>();
    for (const location of found) {
      if (location) {
        unique.set(location.root, location);
      }
    }
    this.current = [...unique.values()];
    this.scanned = true;
    this.log.info(`repositories: ${this.current.length === 0 ? 'none' : this.current.map((r) => r.root).join(', ')}`);
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.repositoryCount, this.current.length);
    this.changed.fire(this.current);
  }
}
