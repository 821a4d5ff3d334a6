// The extension's view of the incidents: loads every repository's incidents once per change for the
// status bar, the view and the panel (changes go through src/app/incident.ts), and watches
// `.git/hotfix/incidents/*.json` so a change made anywhere (the CLI, a teammate's worktree) shows.

import * as vscode from 'vscode';
import type { Incident } from '../../core/incident/model';
import type { Result } from '../../core/result';
import { CONTEXT_KEYS } from '../../shared/ids';
import { Disposable } from '../lifecycle';
import type { Repositories } from '../repositories';
import { Reloading } from '../reloading';
import { RepoWatcher } from '../repo-watcher';
import { kubeconfigSetting } from '../settings';
import { untrustedIncidentStore } from '../trust';
import type { RepositoryLocation } from '../../app/repository';
import type { IncidentStore } from '../../core/incident/ports';

export interface RepoIncidents {
  readonly root: string;
  /** Newest first. */
  readonly incidents: readonly Incident[];
  /** Files that could not be read: named in the view, never hiding the others. */
  readonly unreadable: readonly { readonly id: string; readonly reason: string }[];
  /** Why the repository's incidents could not be listed at all. */
  readonly error?: string;
}

/** An incident with the repository it belongs to. */
export interface Located {
  readonly root: string;
  readonly incident: Incident;
}

export class IncidentService extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private readonly loading = new Reloading(() => this.load(), () => this.changed.fire());

  constructor(
    private readonly repositories: Repositories,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    // `incidents/**`, filtered here: a `*.json` pattern missed the store's temp-file renames in the host tests.
    this.register(
      new RepoWatcher(
        repositories,
        {
          patterns: (repo) => [new vscode.RelativePattern(vscode.Uri.file(repo.commonDir), 'hotfix/incidents/**')],
          accept: (uri) => uri.path.endsWith('.json'),
          settleMs: 200,
        },
        () => this.invalidate(),
      ),
    );
    // A repository that keeps its incidents on the cluster shows them once the workspace is trusted.
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.invalidate()));
  }

  /** The store the repository's config chooses, for reading; a cluster store only in a trusted workspace. */
  async store(location: RepositoryLocation): Promise<Result<IncidentStore>> {
    const untrusted = await untrustedIncidentStore(location.root);
    if (untrusted !== undefined) return { ok: false, reason: untrusted };
    const { incidentStore } = await import('../../app/incident-read.js');
    return incidentStore(location, kubeconfigSetting());
  }

  /** Every repository's incidents, read once per change and shared by the status bar and the view. */
  all(): Promise<RepoIncidents[]> {
    return this.loading.get();
  }

  /** Open incidents of every repository, most severe first. */
  async active(): Promise<Located[]> {
    const { isOpen } = await import('../../core/incident/model.js');
    const { bySeverity } = await import('../../core/incident/query.js');
    const open = (await this.all()).flatMap((r) => r.incidents.filter(isOpen).map((incident) => ({ root: r.root, incident })));
    return open.sort((a, b) => bySeverity(a.incident, b.incident));
  }

  /** Forget what was read and tell the listeners once it is read again; called after commands and on file changes. */
  invalidate(): void {
    this.loading.changed();
  }

  private async load(): Promise<RepoIncidents[]> {
    const { listIncidents } = await import('../../core/incident/query.js');
    const { isOpen } = await import('../../core/incident/model.js');
    const loaded = await Promise.all(
      this.repositories.all.map(async (repo): Promise<RepoIncidents> => {
        try {
          // Reading needs only the store: no git process, no identity.
          const store = await this.store(repo);
          if (!store.ok) return { root: repo.root, incidents: [], unreadable: [], error: store.reason };
          const listing = await listIncidents({ store: store.value });
          return { root: repo.root, incidents: listing.incidents, unreadable: listing.unreadable };
        } catch (error) {
          this.log.error(`reading the incidents of ${repo.root}`, error);
          return { root: repo.root, incidents: [], unreadable: [], error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const open = loaded.reduce((n, r) => n + r.incidents.filter(isOpen).length, 0);
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.openIncidentCount, open);
    return loaded;
  }
}
