// The Deployments view: each configured target (strategy, kube context and namespace) and, when
// expanded, its live state read through the kube context: the Deployments with image, revision and
// available replicas, the live colour, and a deploy left unfinished. Cluster reads happen only on
// expand, never for collapsed targets, and never in an untrusted workspace: the view is then empty
// and its viewsWelcome (when: !isWorkspaceTrusted, package.json) says why.

import * as vscode from 'vscode';
import type { Target } from '../../core/config/targets';
import type { TargetLiveState } from '../../core/deploy/describe';
import type { DeployService, TargetOverview } from '../deploy/service';
import { isTrusted } from '../trust';

export type DeployNode = TargetNode | LiveNode;

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
      return [...liveNodes(node, overview.live), ...runningNodes(node, overview), ...gitopsNodes(node, overview)];
    }
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
  const nodes = live.deployments.map(
    (d) =>
      new LiveNode(
        root,
        name,
        d.name,
        `${d.images.join(', ')} · ${d.revision !== undefined ? `rev ${d.revision} · ` : ''}${d.available}/${d.replicas} available${d.live && live.liveColour ? ' · live' : ''}`,
        d.live ? 'pass-filled' : 'circle-large-outline',
        `hotfix.live.deployment${d.live ? '.live' : ''}`,
        `${d.name} in ${live.context}/${live.namespace}\n${d.images.join('\n')}`,
      ),
  );
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
