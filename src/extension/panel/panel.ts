// The panel's host side: one webview panel per window showing an incident's timeline and a canary's
// progress. It sends snapshots and appended events as they happen (file watchers on the stores, the
// services' change events, and a refresh every few seconds while something is live), checks every
// message from the page (its shape by the protocol's guards, the repository and target it names by
// subject.ts), and acts only through the extension's own commands, so confirmations and rules are the
// palette's (an argo-rollout target's controls: Argo Rollout Action…). It survives hide/show and reloads (serializer + the page's saved state).

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Incident } from '../../core/incident/model';
import { COMMANDS } from '../../shared/ids';
import { isPanelState, isWebviewToHost, PROTOCOL_VERSION, type CanaryAction, type HostToWebview, type IncidentView, type PanelState, type WebviewToHost } from '../../shared/protocol';
import type { DeployService } from '../deploy/service';
import type { IncidentService } from '../incident/service';
import { Disposable } from '../lifecycle';
import { RepoWatcher } from '../repo-watcher';
import type { Repositories } from '../repositories';
import { isTrusted } from '../trust';
import { UNTRUSTED_CLUSTER } from '../trust-gate';
import { loadCanary } from './canary-data';
import { panelHtml, resourceRoots } from './html';
import { checkSubject } from './subject';
import { appended, incidentView, timelineEntries } from './views';

export const PANEL_VIEW_TYPE = 'hotfixDeployer.panel';
const LIVE_REFRESH_MS = 3000;

export interface PanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly repositories: Repositories;
  readonly incidents: IncidentService;
  readonly deploys: DeployService;
  readonly log: vscode.LogOutputChannel;
}

/** What the host last sent and heard, for host tests and the benchmark. */
export interface PanelProbe {
  readonly open: boolean;
  readonly visible: boolean;
  readonly subject: PanelState;
  readonly incident?: IncidentView;
  readonly entries: number;
  readonly canaryStep?: string;
  /** What the page reported after rendering a canary, read from its DOM: a Rollout's failure lines, the comparisons' explanations. */
  readonly canaryRendered?: { readonly target: string; readonly failures: readonly string[]; readonly comparisons: readonly string[] };
  readonly rendered?: { readonly entries: number; readonly rows: number; readonly ms: number };
  /** How many times the page rendered an incident (a page re-created after hide/show renders again). */
  readonly renders: number;
  readonly column?: number;
  readonly ignored: number;
}

export class PanelHost extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private subject: PanelState = {};
  private sent: { incident?: string; ids: string[]; view?: IncidentView } = { ids: [] };
  private canaryStep: string | undefined;
  private canaryRendered: PanelProbe['canaryRendered'];
  /** The Rollout last sent: its target and the controls that apply (the page's actions are checked against them). */
  private sentRollout: { readonly target: string; readonly actions: readonly CanaryAction[]; readonly phase: string } | undefined;
  private rendered: PanelProbe['rendered'];
  private renders = 0;
  private ignored = 0;
  private pushing: Promise<void> | undefined;
  private again = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private live = false;
  /** The page's subject changes, applied in the order they came: an action waits for the ones before it. */
  private settled: Promise<void> = Promise.resolve();
  /** Refusals already logged: a page that keeps sending the same foreign root is logged once. */
  private readonly warned = new Set<string>();

  constructor(private readonly deps: PanelDeps) {
    super();
    this.register(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => this.adopt(panel, await this.checked(isPanelState(state) ? state : {}, 'restored state')),
      }),
    );
    this.register(deps.incidents.onDidChange(() => void this.push()));
    this.register(deps.deploys.onDidChange(() => void this.push()));
    this.register(
      new RepoWatcher(
        deps.repositories,
        { patterns: (repo) => [new vscode.RelativePattern(vscode.Uri.file(repo.commonDir), 'hotfix/{deploys,incidents}/**')], accept: (uri) => uri.path.endsWith('.json'), settleMs: 100 },
        () => void this.push(),
      ),
    );
    this.register({ dispose: () => this.close() });
  }

  /** Opens the panel (or brings it forward) on `subject`. */
  async show(subject: PanelState): Promise<void> {
    this.subject = { ...this.subject, ...(await this.checked(subject, 'command options')) };
    if (this.panel) {
      this.panel.reveal(undefined, false);
      this.sent = { ids: [] };
      await this.post({ kind: 'hello', protocol: PROTOCOL_VERSION, tab: this.subject.tab ?? 'timeline' });
      await this.push();
      return;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Hotfix', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, { enableScripts: true, localResourceRoots: resourceRoots(this.deps.extensionUri) });
    await this.adopt(panel, this.subject);
  }

  probe(): PanelProbe {
    return {
      open: this.panel !== undefined,
      visible: this.panel?.visible ?? false,
      subject: this.subject,
      entries: this.sent.ids.length,
      ignored: this.ignored,
      renders: this.renders,
      ...(this.panel?.viewColumn !== undefined ? { column: this.panel.viewColumn } : {}),
      ...(this.sent.view ? { incident: this.sent.view } : {}),
      ...(this.canaryStep ? { canaryStep: this.canaryStep } : {}),
      ...(this.canaryRendered ? { canaryRendered: this.canaryRendered } : {}),
      ...(this.rendered ? { rendered: this.rendered } : {}),
    };
  }

  private adopt(panel: vscode.WebviewPanel, state: PanelState): Promise<void> {
    this.close();
    this.panel = panel;
    this.subject = { ...state, ...this.subject };
    panel.iconPath = vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'hotfix.svg');
    panel.webview.options = { enableScripts: true, localResourceRoots: resourceRoots(this.deps.extensionUri) };
    panel.webview.html = panelHtml(panel.webview, this.deps.extensionUri, this.subject.tab ?? 'timeline');
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((m: unknown) => void this.handle(m)),
      panel.onDidChangeViewState(() => this.schedule()),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.close();
      }),
    ];
    return Promise.resolve();
  }

  private close(): void {
    for (const d of this.panelDisposables.splice(0)) d.dispose();
    clearInterval(this.timer);
    this.timer = undefined;
    const panel = this.panel;
    this.panel = undefined;
    panel?.dispose();
    this.sent = { ids: [] };
  }

  /** A message as if the page sent it: the same checks and paths (for the extension-host tests). */
  receive(raw: unknown): Promise<void> {
    return this.handle(raw);
  }

  /** `state` with a root or target that this window does not have dropped (counted, logged once). */
  private async checked(state: PanelState, from: string): Promise<PanelState> {
    const checked = await checkSubject(state, this.deps, this.subject);
    if (checked.rejected.length > 0) {
      this.ignored++;
      const warning = `panel: ignored ${checked.rejected.join(' and ')} from the ${from}: only a repository open in this window and a target its config names`;
      if (!this.warned.has(warning)) {
        this.warned.add(warning);
        this.deps.log.warn(warning);
      }
    }
    return checked.state;
  }

  /** Applies a subject change from the page after those before it; the actions wait for it (`settled`). */
  private settle(change: (checked: PanelState) => void, state: PanelState, from: string): Promise<void> {
    this.settled = this.settled.then(async () => change(await this.checked(state, from))).catch((error: unknown) => this.deps.log.error('panel: checking the subject', error));
    return this.settled;
  }

  private async handle(raw: unknown): Promise<void> {
    if (!isWebviewToHost(raw)) {
      this.ignored++;
      this.deps.log.warn('panel: ignored a message that is not in the protocol');
      return;
    }
    const message: WebviewToHost = raw;
    // What a `state` or `ready` before this message named is checked and applied first.
    await this.settled;
    switch (message.kind) {
      case 'ready':
        // A reloaded page hands back what it showed; what the host was asked to show wins.
        await this.settle((state) => (this.subject = { ...state, ...this.subject }), message.state ?? {}, 'page');
        this.sent = { ids: [] };
        await this.post({ kind: 'hello', protocol: PROTOCOL_VERSION, tab: this.subject.tab ?? 'timeline' });
        await this.push();
        return;
      case 'state':
        return this.settle((state) => (this.subject = { ...this.subject, ...state }), message.state, 'page');
      case 'rendered':
        this.rendered = { entries: message.entries, rows: message.rows, ms: message.ms };
        this.renders++;
        return;
      case 'canary-rendered':
        this.canaryRendered = { target: message.target, failures: message.failures, comparisons: message.comparisons ?? [] };
        return;
      case 'open-link': {
        // Only links the incident itself carries, and only web addresses: the page cannot send the person elsewhere.
        const known = this.sent.view?.links.some((l) => l.url === message.url) ?? false;
        const address = known ? webAddress(message.url) : undefined;
        if (address) await vscode.env.openExternal(address);
        else this.ignored++;
        return;
      }
      case 'add-note':
      case 'update-status': {
        if (message.incident !== this.sent.incident || this.subject.root === undefined) return this.reply(message.id, false, 'That incident is no longer shown here.');
        if (message.kind === 'update-status' && !(this.sent.view?.nextStatuses ?? []).includes(message.status)) return this.reply(message.id, false, `${message.status} is not a next status of ${message.incident}.`);
        const args = { root: this.subject.root, id: message.incident, ...(message.kind === 'add-note' ? { note: message.text } : { status: message.status }) };
        const result = await vscode.commands.executeCommand<{ ok: boolean; reason?: string } | undefined>(COMMANDS.updateIncident, args);
        return this.reply(message.id, result?.ok === true, result?.ok ? undefined : (result?.reason ?? 'not recorded'));
      }
      case 'canary-action': {
        if (this.subject.root === undefined || message.target !== this.subject.target) return this.reply(message.id, false, 'That canary is no longer shown here.');
        const root = this.subject.root;
        if (await this.isRollout(root, message.target)) return this.rolloutAction(message.id, root, message.target, message.action);
        if (message.action === 'pause') {
          const stopped = await this.deps.deploys.stopRunning(root, message.target);
          return this.reply(message.id, stopped, stopped ? undefined : 'No deploy of it runs in this window.');
        }
        const command = message.action === 'promote' ? COMMANDS.promoteCanary : message.action === 'abort' ? COMMANDS.abortCanary : COMMANDS.deploy;
        const args = { root, target: message.target, ...(message.action === 'resume' ? { continue: true } : {}) };
        // The command asks for its confirmation and runs to the end; the page hears how it went, and sees the progress meanwhile.
        const result = await vscode.commands.executeCommand<{ ok: boolean; reason?: string } | undefined>(command, args);
        return this.reply(message.id, result?.ok === true, result?.ok ? undefined : (result?.reason ?? 'cancelled'));
      }
    }
  }

  /** Shown as a Rollout, or configured as one (strategy argo-rollout): never driven as this tool's own canary. */
  private async isRollout(root: string, target: string): Promise<boolean> {
    if (this.sentRollout?.target === target) return true;
    const targets = (await this.deps.deploys.targets()).find((r) => r.root === root)?.targets ?? [];
    return targets.find((t) => t.name === target)?.strategy === 'argo-rollout';
  }

  /** An argo-rollout target's controls act through its Rollout: Argo Rollout Action… with the verb of the same name. */
  private async rolloutAction(id: string, root: string, target: string, action: CanaryAction): Promise<void> {
    const shown = this.sentRollout?.target === target ? this.sentRollout : undefined;
    if (!shown) return this.reply(id, false, `The Rollout of ${target} is not shown here yet.`);
    if (!shown.actions.includes(action)) return this.reply(id, false, `${action} does not apply to the Rollout of ${target} now (${shown.phase}).`);
    const result = await vscode.commands.executeCommand<{ ok: boolean; reason?: string } | undefined>(COMMANDS.rolloutAction, { root, target, action });
    return this.reply(id, result?.ok === true, result?.ok ? undefined : (result?.reason ?? 'cancelled'));
  }

  private async reply(id: string, ok: boolean, message?: string): Promise<void> {
    await this.post({ kind: 'reply', id, ok, ...(message ? { message } : {}) });
  }

  private async post(message: HostToWebview): Promise<void> {
    await this.panel?.webview.postMessage(message);
  }

  /** Re-reads the subject and sends what changed; concurrent calls coalesce into one more run. */
  push(): Promise<void> {
    if (!this.panel) return Promise.resolve();
    if (this.pushing) {
      this.again = true;
      return this.pushing;
    }
    this.pushing = (async () => {
      do {
        this.again = false;
        try {
          await this.pushOnce();
        } catch (error) {
          this.deps.log.error('panel: refreshing', error);
        }
      } while (this.again && this.panel);
    })().finally(() => (this.pushing = undefined));
    return this.pushing;
  }

  private async pushOnce(): Promise<void> {
    const root = this.subject.root ?? this.deps.repositories.all[0]?.root;
    if (root === undefined) return;
    this.subject = { ...this.subject, root };
    const incident = await this.pickIncident(root);
    await this.sendIncident(incident);
    const target = this.subject.target ?? incident?.deploys.at(-1)?.target;
    // Untrusted: no live tracks or charts (a cluster call, a Prometheus the config names); the note says why.
    const canary = target === undefined ? undefined : isTrusted() ? await loadCanary(this.deps.deploys, root, target) : { note: UNTRUSTED_CLUSTER };
    if (target !== undefined) this.subject = { ...this.subject, target };
    const view = canary?.view;
    const rollout = view?.rollout;
    this.canaryStep = rollout
      ? `Rollout ${rollout.name}: ${rollout.message ? `${rollout.phase} - ${rollout.message}` : rollout.phase}; ${rollout.stepLine}`
      : view && view.index >= 0 ? `step ${view.index + 1} of ${view.steps.length} (${view.steps[view.index] ?? view.weight}%) ${view.phase}` : undefined;
    this.sentRollout = rollout && view ? { target: view.target, actions: rollout.actions, phase: rollout.phase } : undefined;
    await this.post({ kind: 'canary', canary: view, ...(canary?.note ? { note: canary.note } : {}) });
    this.live = (incident !== undefined && incident.status !== 'resolved') || view?.outcome === 'running';
    this.schedule();
    if (this.panel) this.panel.title = incident ? `${incident.id} · ${incident.severity}` : target ? `Canary · ${target}` : 'Hotfix';
  }

  private async sendIncident(incident: Incident | undefined): Promise<void> {
    if (!incident) {
      if (this.sent.incident !== undefined || this.sent.ids.length === 0) await this.post({ kind: 'incident', incident: undefined, entries: [], note: 'No incident to show: declare one with Hotfix: Declare Incident….' });
      this.sent = { ids: [] };
      return;
    }
    const entries = timelineEntries(incident);
    const view = incidentView(incident, await this.trackerUrl());
    const more = this.sent.incident === incident.id ? appended(this.sent.ids, entries) : undefined;
    const sameHeader = JSON.stringify(view) === JSON.stringify(this.sent.view);
    if (more && sameHeader && !more.some((e) => e.type === 'correction')) {
      if (more.length > 0) await this.post({ kind: 'timeline-append', incident: incident.id, entries: more });
    } else {
      await this.post({ kind: 'incident', incident: view, entries });
    }
    this.sent = { incident: incident.id, ids: entries.map((e) => e.id), view };
    this.subject = { ...this.subject, incident: incident.id };
  }

  /**
   * The incident named, else the most severe open one, else the latest; read from its store each
   * time (not the services' cache), so a change made elsewhere (a terminal, a teammate on the
   * cluster store) shows at the next refresh even when no file event arrives.
   */
  private async pickIncident(root: string): Promise<Incident | undefined> {
    let id = this.subject.incident;
    if (id === undefined) {
      const open = (await this.deps.incidents.active()).find((l) => l.root === root)?.incident;
      id = open?.id ?? (await this.deps.incidents.all()).find((r) => r.root === root)?.incidents[0]?.id;
    }
    const repo = this.deps.repositories.all.find((r) => r.root === root);
    if (id === undefined || !repo) return undefined;
    const { readIncident } = await import('../../core/incident/query.js');
    const store = await this.deps.incidents.store(repo);
    if (!store.ok) return undefined;
    const read = await readIncident({ store: store.value }, id);
    return read.ok ? read.value.incident : undefined;
  }

  private async trackerUrl(): Promise<((issue: string) => string | undefined) | undefined> {
    const root = this.subject.root;
    if (root === undefined) return undefined;
    const { teamConfiguration } = await import('../../app/repository.js');
    const config = await teamConfiguration(path.join(root));
    const template = config.ok ? config.value.issueTracker?.urlTemplate : undefined;
    return template ? (issue) => template.replace('{issue}', encodeURIComponent(issue)) : undefined;
  }

  /** While something is live and the panel is visible, the host refreshes every few seconds (the page never polls). */
  private schedule(): void {
    const want = this.live && (this.panel?.visible ?? false);
    if (want && !this.timer) this.timer = setInterval(() => void this.push(), LIVE_REFRESH_MS);
    if (!want && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

/** The link as a web address (http or https, with a host), else undefined: nothing else is opened. */
function webAddress(url: string): vscode.Uri | undefined {
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(url, true);
  } catch {
    return undefined; // no scheme at all
  }
  const scheme = uri.scheme.toLowerCase();
  return (scheme === 'http' || scheme === 'https') && uri.authority !== '' ? uri : undefined;
}
