// The Hotfixes view's source: the status of each repository (opened through the composition root,
// asking nobody), computed once per change, and a signal when the repository changed on disk
// (branches, HEAD, the engine's state) so views refresh without polling.

import * as vscode from 'vscode';
import { silentInteraction } from '../../app/interaction';
import type { HotfixStatus } from '../../core/hotfix/status';
import { CONTEXT_KEYS } from '../../shared/ids';
import { Disposable } from '../lifecycle';
import type { Repositories } from '../repositories';
import { RepoWatcher } from '../repo-watcher';

export type StatusSnapshot = { readonly root: string } & ({ readonly ok: true; readonly status: HotfixStatus } | { readonly ok: false; readonly reason: string; readonly hint?: string });

export class HotfixService extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private snapshots: Promise<StatusSnapshot[]> | undefined;

  constructor(
    private readonly repositories: Repositories,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    // Refs, HEAD, the engine's state and the team config: what the Hotfixes view shows.
    this.register(
      new RepoWatcher(
        repositories,
        {
          patterns: (repo) => [
            new vscode.RelativePattern(vscode.Uri.file(repo.commonDir), '{HEAD,packed-refs,refs/heads/**,refs/tags/**,refs/remotes/**,hotfix/*.json,hotfix/**/*.json}'),
            new vscode.RelativePattern(vscode.Uri.file(repo.root), '.hotfix/config.yaml'),
            ...(repo.gitDir !== repo.commonDir ? [new vscode.RelativePattern(vscode.Uri.file(repo.gitDir), 'HEAD')] : []),
          ],
          settleMs: 300,
        },
        () => this.invalidate(),
      ),
    );
  }

  /** Status of every repository, computed once per change and shared by all tree nodes. */
  statuses(): Promise<StatusSnapshot[]> {
    this.snapshots ??= this.load();
    return this.snapshots;
  }

  /** Forget cached status and tell the views; called after commands and on file changes. */
  invalidate(): void {
    this.snapshots = undefined;
    this.changed.fire();
  }

  private async load(): Promise<StatusSnapshot[]> {
    const [{ hotfixStatus }, { editorEnv }] = await Promise.all([import('../../core/hotfix/status.js'), import('../compose.js')]);
    const snapshots = await Promise.all(
      this.repositories.all.map(async (repo): Promise<StatusSnapshot> => {
        try {
          // Config and settings are read fresh for each load.
          const opened = await (await editorEnv({ log: this.log }, repo.root, silentInteraction())).workspace();
          if (!opened.ok) {
            return { root: repo.root, ok: false, reason: opened.reason, ...(opened.hint ? { hint: opened.hint } : {}) };
          }
          return { root: repo.root, ok: true, status: await hotfixStatus(opened.value.context) };
        } catch (error) {
          this.log.error(`reading hotfix status of ${repo.root}`, error);
          return { root: repo.root, ok: false, reason: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const finishing = snapshots.some((s) => s.ok && s.status.finish !== undefined);
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.finishInProgress, finishing);
    return snapshots;
  }
}
