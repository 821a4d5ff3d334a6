// The Hotfixes view's source: the status of each repository (opened through the composition root,
// asking nobody), computed once per change, and a signal when the repository changed on disk
// (branches, HEAD, the engine's state) so views refresh without polling.

import * as vscode from 'vscode';
import { silentInteraction } from '../../app/interaction';
import type { FinishRequests } from '../../app/hotfix-requests';
import type { HotfixStatus } from '../../core/hotfix/status';
import type { NotificationSecrets } from '../incident/notify-secrets';
import { CONTEXT_KEYS } from '../../shared/ids';
import { Disposable } from '../lifecycle';
import type { Repositories } from '../repositories';
import { Reloading } from '../reloading';
import { RepoWatcher } from '../repo-watcher';

export type StatusSnapshot = { readonly root: string } & ({ readonly ok: true; readonly status: HotfixStatus } | { readonly ok: false; readonly reason: string; readonly hint?: string });

/** How often the requests of a waiting finish are read again while they are shown: reviews and checks change on the forge, not on disk. */
const REQUESTS_POLL_MS = 30_000;

export class HotfixService extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private readonly snapshots = new Reloading(() => this.load(), () => this.changed.fire());
  private readonly requestsOf = new Map<string, Promise<FinishRequests>>();
  private poll: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly repositories: Repositories,
    private readonly log: vscode.LogOutputChannel,
    private readonly secrets?: NotificationSecrets,
  ) {
    super();
    this.register({ dispose: () => clearTimeout(this.poll) });
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
    return this.snapshots.get();
  }

  /** Forget cached status and tell the views once it is loaded again; called after commands and on file changes. */
  invalidate(): void {
    this.requestsOf.clear();
    this.snapshots.changed();
  }

  /**
   * The requests of the finish in progress in `root`, as the forge shows them (read once per change,
   * without a sign-in prompt). While the finish waits for one, they are read again every 30 s.
   */
  requests(root: string): Promise<FinishRequests> {
    let loaded = this.requestsOf.get(root);
    if (!loaded) {
      loaded = this.loadRequests(root);
      this.requestsOf.set(root, loaded);
      void loaded.then((r) => {
        if (r.kind === 'requests' && r.waitingOn !== undefined) this.pollRequests();
      });
    }
    return loaded;
  }

  private pollRequests(): void {
    clearTimeout(this.poll);
    this.poll = setTimeout(() => {
      this.requestsOf.clear();
      this.changed.fire();
    }, REQUESTS_POLL_MS);
  }

  private async loadRequests(root: string): Promise<FinishRequests> {
    const [{ finishRequests }, { editorEnv }] = await Promise.all([import('../../app/hotfix-requests.js'), import('../compose.js')]);
    try {
      return await finishRequests(await editorEnv({ log: this.log, ...(this.secrets ? { secrets: this.secrets } : {}) }, root, silentInteraction()));
    } catch (error) {
      this.log.error(`reading the requests of the finish in ${root}`, error);
      return { kind: 'none' };
    }
  }

  private async load(): Promise<StatusSnapshot[]> {
    const [{ hotfixStatus }, { editorEnv }] = await Promise.all([import('../../core/hotfix/status.js'), import('../compose.js')]);
    const snapshots = await Promise.all(
      this.repositories.all.map(async (repo): Promise<StatusSnapshot> => {
        try {
          // Config and settings are read fresh for each load.
          const opened = await (await editorEnv({ log: this.log, ...(this.secrets ? { secrets: this.secrets } : {}) }, repo.root, silentInteraction())).workspace();
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
