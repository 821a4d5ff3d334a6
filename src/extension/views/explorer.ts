// The "Hotfix" activity-bar container: one tree per view. Hotfixes shows the production baseline and
// the hotfix branches (hotfix-tree.ts); Deployments the targets and their live state (deploy-tree.ts).
// Incidents gets its provider with its capability; until then it is an empty tree, so VS Code shows
// its viewsWelcome text.
// Providers never do synchronous I/O in getChildren: they arrange what a service already loaded.

import * as vscode from 'vscode';
import { VIEWS } from '../../shared/ids';
import type { DeployService } from '../deploy/service';
import type { HotfixService } from '../hotfix/service';
import { Disposable } from '../lifecycle';
import { DeployTree } from './deploy-tree';
import { HotfixTree } from './hotfix-tree';

class EmptySection implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }
}

export class Explorer extends Disposable {
  readonly hotfixes: HotfixTree;
  readonly deployments: DeployTree;

  constructor(service: HotfixService, deploys: DeployService) {
    super();
    this.hotfixes = this.register(new HotfixTree(service));
    this.register(vscode.window.createTreeView(VIEWS.hotfixes, { treeDataProvider: this.hotfixes, showCollapseAll: true }));
    this.deployments = this.register(new DeployTree(deploys));
    this.register(vscode.window.createTreeView(VIEWS.deployments, { treeDataProvider: this.deployments, showCollapseAll: true }));
    this.register(vscode.window.createTreeView(VIEWS.incidents, { treeDataProvider: new EmptySection() }));
  }
}
