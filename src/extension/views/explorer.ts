// The "Hotfix" activity-bar container: one tree per view (Hotfixes, Deployments, Incidents).
// Each section gets its own provider and node kinds as its capability lands; until then a section
// is an empty tree, so VS Code shows its viewsWelcome text, which tells a first-time user what to do.
// Providers never do synchronous I/O in getChildren: they render what the engine already loaded.

import * as vscode from 'vscode';
import { VIEWS, type ViewId } from '../../shared/ids';
import { Disposable } from '../lifecycle';

class EmptySection implements vscode.TreeDataProvider<never> {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export class Explorer extends Disposable {
  private readonly sections = new Map<ViewId, EmptySection>();

  constructor() {
    super();
    for (const id of Object.values(VIEWS)) {
      const section = this.register(new EmptySection());
      this.sections.set(id, section);
      this.register(vscode.window.createTreeView(id, { treeDataProvider: section, showCollapseAll: false }));
    }
  }

  refresh(): void {
    for (const section of this.sections.values()) {
      section.refresh();
    }
  }
}
