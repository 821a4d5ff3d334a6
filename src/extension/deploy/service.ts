// The extension's door to the deploy engine: the targets of each repository (from its config, cheap)
// and their live state (through the kube context, loaded when the Deployments view asks), with the
// kubeconfig the person chose in the hotfixDeployer.kubeconfig setting. No opening in an untrusted
// workspace: whatever asks (a command, the view, the panel) hears why instead.

import * as vscode from 'vscode';
import type { DeployOpenOptions, OpenDeploy } from '../../adapters/deploy-workspace';
import type { Target } from '../../core/config/targets';
import type { TargetLiveState } from '../../core/deploy/describe';
import type { RunningReport } from '../../app/running';
import type { GitOpsOwner } from '../../core/gitops/detect';
import type { Result } from '../../core/result';
import { SETTINGS } from '../../shared/settings';
import { Disposable } from '../lifecycle';
import type { Repositories } from '../repositories';
import { RepoWatcher } from '../repo-watcher';
import { kubeconfigSetting } from '../settings';
import { isTrusted } from '../trust';
import { UNTRUSTED_CLUSTER } from '../trust-gate';

export interface RepoTargets {
  readonly root: string;
  readonly targets: readonly Target[];
  readonly error?: string;
}

/** A target as the Deployments view shows it: live state, the commit it runs, and its GitOps owners. */
export interface TargetOverview {
  readonly live: TargetLiveState | { readonly error: string };
  readonly running?: Result<RunningReport>;
  readonly gitops?: readonly GitOpsOwner[] | { readonly error: string };
}

/** How long an opening for reading is reused; a config, kubeconfig-setting or repository change drops it sooner. */
const READER_TTL_MS = 30_000;

export class DeployService extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly repositories: Repositories,
    private readonly log: vscode.LogOutputChannel,
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

  async open(root: string, target: string, options: Omit<DeployOpenOptions, 'kubeconfig'> = {}): Promise<Result<OpenDeploy>> {
    // The commands are refused before they get here; this keeps every other path off the cluster too.
    if (!isTrusted()) return { ok: false, reason: UNTRUSTED_CLUSTER };
    const { openDeploy } = await import('../../adapters/deploy-workspace.js');
    const file = this.kubeconfigSetting();
    return openDeploy(root, target, { ...options, ...(file ? { kubeconfig: file } : {}) });
  }

  async targets(): Promise<RepoTargets[]> {
    const { openWorkspace } = await import('../../adapters/workspace.js');
    const { resolveTarget, targetNames } = await import('../../core/config/targets.js');
    return Promise.all(
      this.repositories.all.map(async (repo): Promise<RepoTargets> => {
        const ws = await openWorkspace(repo.root);
        if (!ws.ok) return { root: repo.root, targets: [], error: ws.reason };
        const targets = targetNames(ws.value.config).flatMap((name) => {
          const t = resolveTarget(ws.value.config, name);
          return t.ok ? [t.value] : [];
        });
        return { root: repo.root, targets };
      }),
    );
  }

  /** Openings for reading (the view, the panel's refresh every 3 s), kept a while: each costs git processes and a new client. */
  private readonly readers = new Map<string, { readonly until: number; readonly opened: Promise<Result<OpenDeploy>> }>();

  private openForReading(root: string, target: string): Promise<Result<OpenDeploy>> {
    const key = `${root}\n${target}\n${this.kubeconfigSetting() ?? ''}`;
    const now = Date.now();
    const kept = this.readers.get(key);
    if (kept && kept.until > now) return kept.opened;
    const opened = this.open(root, target);
    this.readers.set(key, { until: now + READER_TTL_MS, opened });
    // A failure (no cluster yet, a config error being fixed) is asked again next time.
    void opened.then((r) => {
      if (!r.ok && this.readers.get(key)?.opened === opened) this.readers.delete(key);
    });
    return opened;
  }

  async live(root: string, target: string): Promise<TargetLiveState | { readonly error: string }> {
    const opened = await this.openForReading(root, target);
    if (!opened.ok) return { error: `${opened.reason}${opened.hint ? ` ${opened.hint}` : ''}` };
    const { describeTarget } = await import('../../core/deploy/describe.js');
    try {
      return await describeTarget(opened.value.context);
    } catch (error) {
      this.log.error(`reading ${target}`, error);
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * For the Deployments view, from one opening of the kube context: the live state, the commit that
   * runs (and its drift from the production release, recorded once in the open incident's timeline),
   * and the Argo CD / Flux objects that own the target.
   */
  async overview(root: string, target: string): Promise<TargetOverview> {
    const opened = await this.openForReading(root, target);
    if (!opened.ok) return { live: { error: `${opened.reason}${opened.hint ? ` ${opened.hint}` : ''}` } };
    const [{ describeTarget }, { runningOf, recordDrift }, { detectOwners }, { linkedIncident }] = await Promise.all([
      import('../../core/deploy/describe.js'),
      import('../../app/running.js'),
      import('../../core/gitops/detect.js'),
      import('../../app/incident-link.js'),
    ]);
    const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
    const [live, running, gitops] = await Promise.all([
      describeTarget(opened.value.context).catch((error: unknown) => ({ error: message(error) })),
      runningOf(opened.value).catch((error: unknown) => ({ ok: false as const, reason: message(error) })),
      detectOwners(opened.value.context.cluster, opened.value.target).catch((error: unknown) => ({ error: message(error) })),
    ]);
    if (running.ok && running.value.drift) {
      const link = await linkedIncident(root);
      const recorded = await recordDrift(running.value, link.incident);
      if (recorded.incident) this.log.info(`drift of ${target} recorded in ${recorded.incident}'s timeline`);
    }
    return { live, running, gitops };
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
        const opened = await this.open(root, target);
        if (!opened.ok) return;
        const { retireOldColour } = await import('../../core/deploy/retire.js');
        const outcome = await retireOldColour(opened.value.context, { confirmed: true });
        this.log.info(`retire ${target}: ${outcome.kind === 'refused' ? outcome.reason : outcome.message}`);
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

  private readonly running = new Map<string, { readonly abort: AbortController; readonly done: Promise<unknown> }>();

  /** Runs a deploy of `target` and remembers it, so Promote or Abort Canary can stop it at a safe point first. */
  track<T>(root: string, target: string, abort: AbortController, run: Promise<T>): Promise<T> {
    const key = `${root}#${target}`;
    const done = run.finally(() => {
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
