// The "Hotfix" activity-bar container: one tree per view. Hotfixes shows the production baseline and
// the hotfix branches (hotfix-tree.ts). Deployments and Incidents get their providers with their
// capabilities; until then they are empty trees, so VS Code shows their viewsWelcome text.
// Providers never do synchronous I/O in getChildren: they arrange what a service already loaded.

import * as vscode from 'vscode';
import { VIEWS } from '../../shared/ids';
import type { HotfixService } from '../hotfix/service';
import { Disposable } from '../lifecycle';
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

  constructor(service: HotfixService) {
    super();
    this.hotfixes = this.register(new HotfixTree(service));
    this.register(vscode.window.createTreeView(VIEWS.hotfixes, { treeDataProvider: this.hotfixes, showCollapseAll: true }));
    for (const id of [VIEWS.deployments, VIEWS.incidents]) {
      this.register(vscode.window.createTreeView(id, { treeDataProvider: new EmptySection() }));
    }
  }
}
