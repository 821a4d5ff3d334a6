// Watches files of every open repository and calls back once a burst of changes has settled (git and
// the stores write several files per operation). Views refresh from these events, never by polling.

import * as vscode from 'vscode';
import type { RepositoryLocation } from '../app/repository';
import { Disposable } from './lifecycle';
import type { Repositories } from './repositories';

export interface WatchSpec {
  /** The patterns to watch in one repository. */
  patterns(repo: RepositoryLocation): vscode.RelativePattern[];
  /** Which events count (all by default). */
  accept?(uri: vscode.Uri): boolean;
  readonly settleMs: number;
}

export class RepoWatcher extends Disposable {
  private watchers: vscode.Disposable[] = [];
  private debounce: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly repositories: Repositories,
    private readonly spec: WatchSpec,
    private readonly onSettled: () => void,
  ) {
    super();
    this.register(repositories.onDidChange(() => this.rewatch()));
    this.register({ dispose: () => this.clear() });
    this.rewatch();
  }

  private rewatch(): void {
    this.clear();
    for (const repo of this.repositories.all) {
      for (const pattern of this.spec.patterns(repo)) {
        const watcher = vscode.workspace.createFileSystemWatcher(pattern);
        const onEvent = (uri: vscode.Uri) => {
          if (this.spec.accept?.(uri) ?? true) this.schedule();
        };
        watcher.onDidChange(onEvent);
        watcher.onDidCreate(onEvent);
        watcher.onDidDelete(onEvent);
        this.watchers.push(watcher);
      }
    }
    this.onSettled();
  }

  private schedule(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.onSettled(), this.spec.settleMs);
  }

  private clear(): void {
    clearTimeout(this.debounce);
    for (const watcher of this.watchers.splice(0)) watcher.dispose();
  }
}
