// The extension's door to the deploy engine: the targets of each repository (from its config, cheap)
// and their live state (through the kube context, loaded when the Deployments view asks), with the
// kubeconfig the person chose in the hotfixDeployer.kubeconfig setting. No opening in an untrusted
// workspace: whatever asks (a command, the view, the panel) hears why instead.

import * as vscode from 'vscode';
import type { AppEnv } from '../../app/env';
import { silentInteraction } from '../../app/interaction';
import type { TargetHistory } from '../../app/history';
import type { TargetOverview } from '../../app/targets';
import type { Target } from '../../core/config/targets';
import type { TargetLiveState } from '../../core/deploy/describe';
import { editorEnv } from '../compose';
import type { NotificationSecrets } from '../incident/notify-secrets';
import { SETTINGS } from '../../shared/settings';
import { Disposable } from '../lifecycle';
import type { Repositories } from '../repositories';
import { RepoWatcher } from '../repo-watcher';
import { kubeconfigSetting } from '../settings';

export interface RepoTargets {
  readonly root: string;
  readonly targets: readonly Target[];
  readonly error?: string;
}

export type { TargetOverview };

/** How long an opening for reading is reused; a config, kubeconfig-setting or repository change drops it sooner. */
const READER_TTL_MS = 30_000;

/** The kept environments are per repository and per kubeconfig setting. */
function readerKey(root: string): string {
  return `${root}\n${kubeconfigSetting() ?? ''}`;
}

export class DeployService extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly repositories: Repositories,
    private readonly log: vscode.LogOutputChannel,
    private readonly secrets?: NotificationSecrets,
  ) {
    super();
    this.register(repositories.onDidChange(() => this.invalidate()));
    // An edited .hotfix/config.yaml (a target's namespace, its gitops:) drops the kept openings at once.
    this.register(
      new RepoWatcher(repositories, { patterns: (repo) => [new vscode.RelativePattern(vscode.Uri.file(repo.root), '.hotfix/config.yaml')], settleMs: 200 }, () => this.invalidate()),
    );
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SETTINGS.section}.${SETTINGS.kubeconfig}`)) this.invalidate();
      }),
    );
    // Trusted now: the view and the panel read the cluster at once, without a reload.
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.invalidate()));
  }

  /** The kubeconfig file from the setting (with ~ expanded), or undefined for $KUBECONFIG / ~/.kube/config. */
  kubeconfigSetting(): string | undefined {
    return kubeconfigSetting();
  }

  /** The environment of one reading or one background step: nobody is asked, progress goes to the log. */
  private env(root: string): Promise<AppEnv> {
    return editorEnv({ log: this.log, ...(this.secrets ? { secrets: this.secrets } : {}) }, root, silentInteraction({ progress: (m) => this.log.info(m), note: (m) => this.log.info(m), warn: (m) => this.log.warn(m) }));
  }

  async targets(): Promise<RepoTargets[]> {
    const { configuredTargets } = await import('../../app/targets.js');
    return Promise.all(
      this.repositories.all.map(async (repo): Promise<RepoTargets> => {
        const configured = await configuredTargets(await this.env(repo.root));
        return { root: repo.root, targets: configured.targets, ...(configured.error !== undefined ? { error: configured.error } : {}) };
      }),
    );
  }

  /** Environments for reading (the view, the panel's refresh every 3 s), kept a while: each opening costs git processes and a new client. */
  private readonly readers = new Map<string, { readonly until: number; readonly env: Promise<AppEnv> }>();

  private reader(root: string): { readonly env: Promise<AppEnv>; readonly kept: boolean } {
    const key = readerKey(root);
    const now = Date.now();
    const kept = this.readers.get(key);
    if (kept && kept.until > now) return { env: kept.env, kept: true };
    const env = this.env(root);
    this.readers.set(key, { until: now + READER_TTL_MS, env });
    return { env, kept: false };
  }

  /** Drops a kept environment, unless another has taken its place meanwhile. */
  private drop(root: string, env: Promise<AppEnv>): void {
    if (this.readers.get(readerKey(root))?.env === env) this.readers.delete(readerKey(root));
  }

  /**
   * A target of a kept environment. A kept one that cannot open it may predate an edit the file watcher
   * has not reported yet (a target just added): it is dropped and a fresh one asked at once. A fresh one
   * that fails (no cluster yet, a config being fixed) is not kept either, so the next reading asks again.
   */
  private async readable(root: string, target: string): Promise<AppEnv> {
    const first = this.reader(root);
    const env = await first.env;
    if ((await env.target(target)).ok) return env;
    this.drop(root, first.env);
    if (!first.kept) return env;
    const again = this.reader(root);
    const fresh = await again.env;
    if (!(await fresh.target(target)).ok) this.drop(root, again.env);
    return fresh;
  }

  async live(root: string, target: string): Promise<TargetLiveState | { readonly error: string }> {
    const { liveState } = await import('../../app/targets.js');
    const live = await liveState(await this.readable(root, target), target);
    if ('error' in live) this.log.warn(`reading ${target}: ${live.error}`);
    return live;
  }

  /**
   * For the Deployments view, from one opening of the kube context: the live state, the commit that
   * runs (and its drift from the production release, recorded once in the open incident's timeline),
   * and the Argo CD / Flux objects that own the target.
   */
  async overview(root: string, target: string): Promise<TargetOverview> {
    const { targetOverview } = await import('../../app/targets.js');
    const overview = await targetOverview(await this.readable(root, target), target);
    if (overview.driftRecordedIn) this.log.info(`drift of ${target} recorded in ${overview.driftRecordedIn}'s timeline`);
    return overview;
  }

  /** The target's revisions (helm history, rollout history), for the view's History rows. */
  async history(root: string, target: string): Promise<TargetHistory | { readonly error: string }> {
    const { historyOperation } = await import('../../app/history.js');
    const result = await historyOperation(await this.readable(root, target), { target });
    if (result.kind === 'history') return result.history;
    this.log.warn(`reading the history of ${target}: ${result.failed.reason}`);
    return { error: result.failed.reason };
  }

  invalidate(): void {
    this.readers.clear();
    this.changed.fire();
  }

  private readonly retireTimers = new Set<ReturnType<typeof setTimeout>>();

  /**
   * Blue-green keeps the old colour for an instant rollback for keepOldFor, then scales it down: while
   * this window is open, a timer does it (the retire step checks the colour is still not live).
   */
  scheduleRetire(root: string, target: string, afterMs: number): void {
    const timer = setTimeout(() => {
      this.retireTimers.delete(timer);
      void (async () => {
        const { retireOperation } = await import('../../app/rollback.js');
        // Confirmed when the deploy was: the timer only finishes what that deploy began.
        const env = await editorEnv({ log: this.log }, root, silentInteraction({ confirm: () => Promise.resolve(true), progress: (m) => this.log.info(m) }));
        const outcome = await retireOperation(env, { target });
        this.log.info(`retire ${target}: ${outcome.kind === 'refused' ? outcome.failed.reason : outcome.kind === 'cancelled' ? 'cancelled' : outcome.outcome.message}`);
        this.changed.fire();
      })().catch((error: unknown) => this.log.error(`retiring the old colour of ${target}`, error));
    }, afterMs);
    this.retireTimers.add(timer);
  }

  override dispose(): void {
    for (const timer of this.retireTimers) clearTimeout(timer);
    this.retireTimers.clear();
    super.dispose();
  }

  private readonly running = new Map<string, { readonly abort: { abort(): void }; readonly done: Promise<unknown> }>();

  /** Runs a deploy of `target` and remembers it, so Promote or Abort Canary can stop it at a safe point first. */
  track<T>(root: string, target: string, abort: { abort(): void }, run: PromiseLike<T>): Promise<T> {
    const running = Promise.resolve(run);
    const key = `${root}#${target}`;
    const done = running.finally(() => {
      if (this.running.get(key)?.abort === abort) this.running.delete(key);
    });
    this.running.set(key, { abort, done: done.catch(() => undefined) });
    return done;
  }

  /** Whether a deploy of `target` runs in this window now. */
  isRunning(root: string, target: string): boolean {
    return this.running.has(`${root}#${target}`);
  }

  /** Stops a deploy of `target` running in this window (cancel = a safe, resumable stop); true if one ran. */
  async stopRunning(root: string, target: string): Promise<boolean> {
    const running = this.running.get(`${root}#${target}`);
    if (!running) return false;
    running.abort.abort();
    await running.done;
    return true;
  }
}
