// The "Hotfix" activity-bar container: one tree per view. Hotfixes shows the production baseline and
// the hotfix branches (hotfix-tree.ts); Deployments the targets and their live state (deploy-tree.ts).
// Incidents the open and recently resolved incidents with their latest events (incident-tree.ts);
// with none, VS Code shows its viewsWelcome text.
// Providers never do synchronous I/O in getChildren: they arrange what a service already loaded.

import * as vscode from 'vscode';
import { VIEWS } from '../../shared/ids';
import type { DeployService } from '../deploy/service';
import type { HotfixService } from '../hotfix/service';
import type { IncidentService } from '../incident/service';
import { Disposable } from '../lifecycle';
import { DeployTree } from './deploy-tree';
import { HotfixTree } from './hotfix-tree';
import { IncidentTree } from './incident-tree';

export class Explorer extends Disposable {
  readonly hotfixes: HotfixTree;
  readonly deployments: DeployTree;
  readonly incidents: IncidentTree;

  constructor(service: HotfixService, deploys: DeployService, incidents: IncidentService) {
    super();
    this.hotfixes = this.register(new HotfixTree(service));
    this.register(vscode.window.createTreeView(VIEWS.hotfixes, { treeDataProvider: this.hotfixes, showCollapseAll: true }));
    this.deployments = this.register(new DeployTree(deploys));
    this.register(vscode.window.createTreeView(VIEWS.deployments, { treeDataProvider: this.deployments, showCollapseAll: true }));
    this.incidents = this.register(new IncidentTree(incidents));
    this.register(vscode.window.createTreeView(VIEWS.incidents, { treeDataProvider: this.incidents, showCollapseAll: true }));
  }
}
