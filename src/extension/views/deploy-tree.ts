// The Deployments view: each configured target (strategy, kube context and namespace) and, when
// expanded, its live state read through the kube context: the Deployments with image, revision and
// available replicas, the live colour, an Argo Rollout's phase, step, ReplicaSets and failed analysis
// (rollout-nodes.ts), and a deploy left unfinished. Cluster reads happen only on
// expand, never for collapsed targets, and never in an untrusted workspace: the view is then empty
// and its viewsWelcome (when: !isWorkspaceTrusted, package.json) says why.

import * as vscode from 'vscode';
import type { Target } from '../../core/config/targets';
import { autoscalerLine } from '../../core/deploy/autoscaler';
import type { TargetLiveState } from '../../core/deploy/describe';
import type { TargetHistory } from '../../app/history';
import type { DeployService, TargetOverview } from '../deploy/service';
import { isTrusted } from '../trust';
import { rolloutRows } from './rollout-nodes';

export type DeployNode = TargetNode | LiveNode | HistoryNode;

export class TargetNode extends vscode.TreeItem {
  readonly kind = 'target';
  constructor(
    readonly root: string,
    readonly target: Target,
  ) {
    super(target.name, vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `${root}#${target.name}`;
    this.contextValue = `hotfix.target.${target.strategy}${target.protected ? '+protected' : ''}`;
    this.iconPath = new vscode.ThemeIcon(target.protected ? 'shield' : 'server-environment');
    this.description = `${target.strategy} · ${target.context ?? 'current context'} / ${target.namespace}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${target.protected ? 'Protected target' : 'Target'}**\n\n`);
    tooltip.appendText(`${target.name}: ${target.strategy} of ${target.app} in namespace ${target.namespace}, context ${target.context ?? '(the kubeconfig current context)'}`);
    this.tooltip = tooltip;
  }
}

export class LiveNode extends vscode.TreeItem {
  readonly kind = 'live';
  constructor(
    readonly root: string,
    readonly target: string,
    label: string,
    description: string,
    icon: string,
    contextValue: string,
    tooltip?: string,
  ) {
    super(label, vscode.TreeItemCollapsibleState.None);
    this.description = description;
    this.iconPath = new vscode.ThemeIcon(icon);
    this.contextValue = contextValue;
    if (tooltip) this.tooltip = tooltip;
  }
}

/** A target's History: expanded on demand, since it costs a helm process or a list of revisions. */
export class HistoryNode extends vscode.TreeItem {
  readonly kind = 'history';
  constructor(
    readonly root: string,
    readonly target: string,
  ) {
    super('History', vscode.TreeItemCollapsibleState.Collapsed);
    this.id = `${root}#${target}#history`;
    this.iconPath = new vscode.ThemeIcon('history');
    this.contextValue = 'hotfix.history';
    this.description = 'revisions';
    this.tooltip = 'The revisions, as helm history (a Helm release) or kubectl rollout history lists them; roll back to one with its button.';
  }
}

/** A revision row: its command arguments are the row itself (root, target, toRevision). */
export class RevisionNode extends LiveNode {
  constructor(
    root: string,
    target: string,
    readonly toRevision: number,
    label: string,
    description: string,
    current: boolean,
    /** Not the current one, nor one a rollback cannot go to (blue-green switches colours instead): it gets the roll-back button. */
    rollbackable: boolean,
    tooltip: string,
  ) {
    super(root, target, label, description, current ? 'pass-filled' : 'circle-large-outline', rollbackable ? 'hotfix.revision' : current ? 'hotfix.revision.current' : 'hotfix.revision.fixed', tooltip);
  }
}

export class DeployTree implements vscode.TreeDataProvider<DeployNode> {
  private readonly changed = new vscode.EventEmitter<DeployNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly service: DeployService) {
    this.subscription = service.onDidChange(() => this.changed.fire(undefined));
  }

  getTreeItem(node: DeployNode): vscode.TreeItem {
    return node;
  }

  async getChildren(node?: DeployNode): Promise<DeployNode[]> {
    if (!isTrusted()) return [];
    if (node === undefined) {
      const repos = await this.service.targets();
      return repos.flatMap((repo) => repo.targets.map((t) => new TargetNode(repo.root, t)));
    }
    if (node instanceof TargetNode) {
      const overview = await this.service.overview(node.root, node.target.name);
      return [...liveNodes(node, overview.live), ...runningNodes(node, overview), ...gitopsNodes(node, overview), new HistoryNode(node.root, node.target.name)];
    }
    if (node instanceof HistoryNode) return historyNodes(node, await this.service.history(node.root, node.target));
    return [];
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function liveNodes(node: TargetNode, live: TargetLiveState | { readonly error: string }): LiveNode[] {
  const { root } = node;
  const name = node.target.name;
  if (!('deployments' in live)) {
    return [new LiveNode(root, name, live.error, '', 'warning', 'hotfix.live.error', live.error)];
  }
  // A Rollout's ReplicaSets are shown as its stable and canary, under its own rows.
  const rollout = live.rollout ? rolloutRows(live.rollout, `${live.context}/${live.namespace}`).map((r) => new LiveNode(root, name, r.label, r.description, r.icon, r.contextValue, r.tooltip)) : [];
  const nodes = live.rollout ? rollout : live.deployments.map(
    (d) =>
      new LiveNode(
        root,
        name,
        d.name,
        `${d.kind === 'Deployment' ? '' : `${d.kind} · `}${d.images.join(', ')} · ${d.revision !== undefined ? `rev ${d.revision} · ` : ''}${d.available}/${d.replicas} available${d.updated !== undefined ? ` · ${d.updated} updated` : ''}${d.live && live.liveColour ? ' · live' : ''}`,
        d.live ? 'pass-filled' : 'circle-large-outline',
        `hotfix.live.deployment${d.live ? '.live' : ''}`,
        `${d.kind} ${d.name} in ${live.context}/${live.namespace}\n${d.images.join('\n')}`,
      ),
  );
  if (live.helm) {
    const h = live.helm;
    const how = h.configured ? 'helm: in .hotfix/config.yaml' : 'found by its meta.helm.sh annotations';
    nodes.push(new LiveNode(root, name, `Helm release ${h.release}`, `${h.namespace} · ${how}`, 'package', 'hotfix.live.helm', `Deploy upgrades this release and Rollback runs helm rollback; History lists its revisions.\n${how}`));
  }
  for (const a of live.autoscalers ?? []) {
    const pinned = a.pinned ? ` · held by hotfix-deployer (own: ${a.pinned.before.minReplicas}–${a.pinned.before.maxReplicas})` : '';
    nodes.push(new LiveNode(root, name, `HPA ${a.name ?? ''}`, `${a.deployment} · ${a.minReplicas ?? '?'}–${a.maxReplicas ?? '?'} replicas · current ${a.currentReplicas ?? '?'}${pinned}`, 'dashboard', `hotfix.live.autoscaler${a.pinned ? '.pinned' : ''}`, autoscalerLine(a)));
  }
  if (live.canary) {
    const c = live.canary;
    const at = c.step !== undefined ? `step ${c.step}/${c.steps.length}${c.phase ? ` (${c.phase})` : ''}` : 'idle';
    nodes.push(new LiveNode(root, name, `Canary ${c.weight}%`, `${at} · ${c.traffic} · steps ${c.steps.join('/')}`, 'symbol-event', `hotfix.live.canary${c.step !== undefined ? '.running' : ''}`, c.error));
  }
  if (live.error) nodes.push(new LiveNode(root, name, live.error, '', 'warning', 'hotfix.live.error'));
  const last = live.last;
  if (last && last.finishedAt === undefined) {
    // Not finished and not stopped: running now (here or elsewhere), or killed before it could say so.
    const next = last.plan.find((step) => !last.done.includes(step));
    const where = last.stopped ? `stopped at ${last.stopped.step}` : `in progress or interrupted at ${next ?? 'the end'}`;
    nodes.push(new LiveNode(root, name, `Unfinished deploy of ${last.image}`, `${where} · ${last.actor}`, 'debug-pause', 'hotfix.live.unfinished', last.stopped?.reason));
  } else if (last) {
    nodes.push(new LiveNode(root, name, `Last: ${last.outcome ?? 'deploy'} ${last.image}`, `${last.finishedAt ?? ''} · ${last.actor}`, last.outcome === 'deployed' ? 'check' : 'history', 'hotfix.live.last', last.rolledBack));
  }
  return nodes;
}

function historyNodes(node: HistoryNode, history: TargetHistory | { readonly error: string }): LiveNode[] {
  const { root, target } = node;
  if ('error' in history) return [new LiveNode(root, target, history.error, '', 'warning', 'hotfix.live.error', history.error)];
  if (history.revisions.length === 0) return [new LiveNode(root, target, 'No revisions', history.subject, 'info', 'hotfix.history.empty')];
  return history.revisions.map((r) => {
    const what = history.source === 'helm' ? [r.status, r.chart, r.appVersion && `app ${r.appVersion}`] : [r.images.join(', ')];
    const description = [...what, r.updated].filter((x): x is string => typeof x === 'string' && x !== '').join(' · ');
    const tooltip = [`${history.subject}, revision ${r.revision}${r.current ? ' (current)' : ''}`, ...what.filter((x): x is string => typeof x === 'string' && x !== ''), r.description ?? '', r.updated ?? ''].filter((x) => x !== '').join('\n');
    return new RevisionNode(root, target, r.revision, `Revision ${r.revision}${r.current ? ' (current)' : ''}`, description, r.current, !r.current && r.rollbackable !== false, tooltip);
  });
}

/** The commit the target runs, and whether it is the production release. */
function runningNodes(node: TargetNode, overview: TargetOverview): LiveNode[] {
  const { root } = node;
  const name = node.target.name;
  const running = overview.running;
  if (!running || 'error' in overview.live) return [];
  if (!running.ok) {
    const first = running.reason.split('\n')[0] ?? running.reason;
    return [new LiveNode(root, name, 'Running commit unknown', first, 'question', 'hotfix.live.running.unknown', `${running.reason}${running.hint ? `\n\n${running.hint}` : ''}`)];
  }
  const { running: r, production, drift } = running.value;
  const release = production.tag ?? production.ref;
  const sha = r.commit.sha.slice(0, 12);
  const tooltip = `${r.deployment} runs ${r.image.image}\n${r.commit.detail}\nproduction release: ${release} (${production.sha.slice(0, 12)})`;
  if (!drift) {
    return [new LiveNode(root, name, `Running ${sha}`, `= ${release} · ${r.commit.via}`, 'git-commit', 'hotfix.live.running', tooltip)];
  }
  const n = (count: number) => `${count} commit${count === 1 ? '' : 's'}`;
  const how = drift.relation === 'diverged' ? `diverged from ${release} (${n(drift.ahead)} not in it, ${n(drift.behind)} missing)` : drift.relation === 'ahead' ? `${n(drift.ahead)} ahead of ${release}` : `${n(drift.behind)} behind ${release}`;
  return [new LiveNode(root, name, `Running ${sha}`, `drift: ${how} · ${r.commit.via}`, 'warning', 'hotfix.live.running.drift', `${tooltip}\nDrift: production runs another commit than its release.`)];
}

/** The Argo CD / Flux objects that own the target: whether they would revert a change, or are paused. */
function gitopsNodes(node: TargetNode, overview: TargetOverview): LiveNode[] {
  const { root } = node;
  const name = node.target.name;
  const gitops = overview.gitops;
  if (!gitops) return [];
  if ('error' in gitops) return [new LiveNode(root, name, 'GitOps owners unknown', gitops.error, 'warning', 'hotfix.live.gitops.error', gitops.error)];
  return gitops.map((o) => {
    if (o.paused) {
      const since = `auto-sync paused by ${o.paused.by} since ${o.paused.at}${o.paused.incident ? ` for ${o.paused.incident}` : ''}`;
      return new LiveNode(root, name, o.label, since, 'debug-pause', 'hotfix.live.gitops.paused', `${since}\nBefore: ${o.paused.previous}\nFound by ${o.via}.`);
    }
    if (!o.exists) return new LiveNode(root, name, o.label, 'not found', 'warning', 'hotfix.live.gitops.missing', o.revertsWhen);
    const what = o.autoSync ? `auto-sync${o.selfHeal ? ' + selfHeal' : ''}: reverts changes made here` : 'no auto-sync';
    return new LiveNode(root, name, o.label, what, o.autoSync ? 'sync' : 'circle-slash', o.autoSync ? 'hotfix.live.gitops.syncing' : 'hotfix.live.gitops', `Reverts an imperative change ${o.revertsWhen}.\nFound by ${o.via}.`);
  });
}
