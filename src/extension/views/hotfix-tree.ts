// The Hotfixes view: per repository the production baseline, an unfinished finish with its next step
// (and, through a forge, its requests as the forge shows them), and each hotfix branch with its
// commits. The data comes from HotfixService, which loads it once per change; getChildren only
// arranges what is loaded.

import * as vscode from 'vscode';
import type { HotfixStatus } from '../../core/hotfix/status';
import type { HotfixService, StatusSnapshot } from '../hotfix/service';
import { BaselineNode, BranchNode, CommitNode, FinishNode, MessageNode, RepositoryNode, RequestNode, type HotfixNode } from './hotfix-nodes';

export class HotfixTree implements vscode.TreeDataProvider<HotfixNode> {
  private readonly changed = new vscode.EventEmitter<HotfixNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly service: HotfixService) {
    this.subscription = service.onDidChange(() => this.changed.fire(undefined));
  }

  getTreeItem(node: HotfixNode): vscode.TreeItem {
    return node;
  }

  async getChildren(node?: HotfixNode): Promise<HotfixNode[]> {
    if (node === undefined) {
      const snapshots = await this.service.statuses();
      if (snapshots.length === 1 && snapshots[0]) {
        return this.repositoryChildren(snapshots[0]);
      }
      return snapshots.map((s) => new RepositoryNode(s.root, s.ok ? s.status : undefined));
    }
    if (node instanceof RepositoryNode) {
      const snapshot = (await this.service.statuses()).find((s) => s.root === node.root);
      return snapshot ? this.repositoryChildren(snapshot) : [];
    }
    if (node instanceof FinishNode) {
      const requests = await this.service.requests(node.root);
      if (requests.kind === 'none') return [];
      return requests.rows.map((row) => new RequestNode(node.root, row, requests.noun, row.into === requests.waitingOn));
    }
    if (node instanceof BranchNode) {
      return node.branch.commits.map((commit) => new CommitNode(node.root, commit));
    }
    return [];
  }

  private repositoryChildren(snapshot: StatusSnapshot): HotfixNode[] {
    if (!snapshot.ok) {
      return [new MessageNode(snapshot.root, snapshot.reason, snapshot.hint)];
    }
    const status: HotfixStatus = snapshot.status;
    return [
      new BaselineNode(snapshot.root, status.production),
      ...(status.finish ? [new FinishNode(snapshot.root, status.finish)] : []),
      ...status.branches.map((branch) => new BranchNode(snapshot.root, branch)),
    ];
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
