// Entry point: wiring only. Creates the output channel, the repository list, the hotfix service,
// the views and the commands, and hands them to VS Code to dispose. No business rules live here.

import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CONTEXT_KEYS, OUTPUT_CHANNEL } from '../shared/ids';
import { verifyAuditCommand } from './audit-command';
import { registerCommands } from './commands';
import { canaryCommand, deployCommand, rollbackCommand, switchKubeContextCommand, type DeployCommandDeps } from './deploy/commands';
import { validateCommand, verifyCommand } from './verify/commands';
import { rolloutActionCommand } from './rollouts/commands';
import { DeployService } from './deploy/service';
import {
  abortFinishCommand,
  continueFinishCommand,
  createHotfixCommand,
  finishHotfixCommand,
  openIssueCommand,
  type HotfixCommandDeps,
} from './hotfix/commands';
import { openRequestCommand, setGitlabTokenCommand } from './hotfix/forge-commands';
import { HotfixService } from './hotfix/service';
import { createFromProductionCommand } from './hotfix/from-production';
import { pauseAutoSyncCommand, prepareManifestsCommand, restoreAutoSyncCommand } from './gitops/commands';
import {
  declareIncidentCommand,
  draftPostmortemCommand,
  openIncidentCommand,
  resolveIncidentCommand,
  updateIncidentCommand,
  type IncidentCommandDeps,
} from './incident/commands';
import { configureNotificationsCommand } from './incident/configure-notifications';
import { NotificationSecrets } from './incident/notify-secrets';
import { IncidentService } from './incident/service';
import { IncidentStatusBar, type StatusBarState } from './incident/status-bar';
import { redactingLog } from './redacting-log';
import { Repositories } from './repositories';
import type { DeployNode } from './views/deploy-tree';
import type { HotfixNode } from './views/hotfix-nodes';
import { Explorer } from './views/explorer';
import { openPanelCommand } from './panel/commands';
import { setUpRepositoryCommand } from './init-command';
import { PanelHost, type PanelProbe } from './panel/panel';
import type { IncidentTreeNode } from './views/incident-tree';
import { isTrusted } from './trust';

/** What the extension offers other extensions (and its own host tests) through `exports`. */
export interface HotfixDeployerApi {
  /** Work-tree roots of the git repositories found in the workspace folders. */
  repositories(): Promise<readonly string[]>;
  /** The items of the Hotfixes view as it would render them (top level, or a node's children). */
  hotfixTreeItems(parent?: HotfixNode): Promise<HotfixNode[]>;
  /** Called each time the Hotfixes view is told that what it shows changed. */
  onHotfixTreeChange(listener: () => void): vscode.Disposable;
  /** The items of the Deployments view (targets, or a target's live state). */
  deploymentTreeItems(parent?: DeployNode): Promise<DeployNode[]>;
  /** The incident status bar item as drawn (text, visibility, background colour id, tooltip). */
  incidentStatusBar(): Promise<StatusBarState>;
  /** The items of the Incidents view (incidents, or an incident's latest events). */
  incidentTreeItems(parent?: IncidentTreeNode): Promise<IncidentTreeNode[]>;
  /** The panel as its host last drew it (the extension host cannot read the webview's DOM). */
  panel(): PanelProbe;
  /** Hands the panel's host a message as if its page sent it: checked like any other (tests). */
  panelMessage(message: unknown): Promise<void>;
  /** The extension's global storage folder (host tests check that no secret lands there). */
  globalStoragePath(): string;
}

export function activate(context: vscode.ExtensionContext): HotfixDeployerApi {
  const started = performance.now(); // activate()'s own time, read by `npm run bench` (issue #8)
  const notifySecrets = new NotificationSecrets(context.secrets);
  // Every line of the log passes the redaction of the notification secrets (a receiver may echo one).
  const log = redactingLog(vscode.window.createOutputChannel(OUTPUT_CHANNEL, { log: true }), notifySecrets, context.secrets.onDidChange);
  const repositories = new Repositories(log);
  const service = new HotfixService(repositories, log, notifySecrets);
  const deploys = new DeployService(repositories, log, notifySecrets);
  const incidents = new IncidentService(repositories, log);
  const statusBar = new IncidentStatusBar(incidents, log);
  const explorer = new Explorer(service, deploys, incidents);
  const panel = new PanelHost({ extensionUri: context.extensionUri, repositories, incidents, deploys, log });
  context.subscriptions.push(log, repositories, service, deploys, incidents, statusBar, explorer, panel);

  const deps: HotfixCommandDeps = { repositories, service, log, secrets: notifySecrets };
  const deployDeps: DeployCommandDeps = { repositories, deploys, log, secrets: notifySecrets };
  const incidentDeps: IncidentCommandDeps = { repositories, incidents, statusBar, log, secrets: notifySecrets };
  context.subscriptions.push(
    ...registerCommands(
      {
        refresh: async () => {
          await repositories.refresh();
          service.invalidate();
          deploys.invalidate();
          incidents.invalidate();
        },
        showLog: () => log.show(),
        createHotfix: (arg) => createHotfixCommand(deps, arg),
        createHotfixFromProduction: (arg) => createFromProductionCommand({ ...deps, deploys }, arg),
        finishHotfix: (arg) => finishHotfixCommand(deps, arg),
        continueFinish: (arg) => continueFinishCommand(deps, arg),
        openRequest: (arg) => openRequestCommand(arg),
        setGitlabToken: (arg) => setGitlabTokenCommand({ repositories, secrets: notifySecrets, log }, arg),
        abortFinish: (arg) => abortFinishCommand(deps, arg),
        openIssue: (arg) => openIssueCommand(deps, arg),
        deploy: (arg) => deployCommand(deployDeps, arg),
        rollback: (arg) => rollbackCommand(deployDeps, arg),
        rollbackToRevision: (arg) => rollbackCommand(deployDeps, arg),
        switchKubeContext: (arg) => switchKubeContextCommand(deployDeps, arg),
        promoteCanary: (arg) => canaryCommand(deployDeps, 'promote', arg),
        abortCanary: (arg) => canaryCommand(deployDeps, 'abort', arg),
        rolloutAction: (arg) => rolloutActionCommand(deployDeps, arg),
        pauseAutoSync: (arg) => pauseAutoSyncCommand(deployDeps, arg),
        restoreAutoSync: (arg) => restoreAutoSyncCommand(deployDeps, arg),
        prepareManifestsChange: (arg) => prepareManifestsCommand(deployDeps, arg),
        validate: (arg) => validateCommand(deployDeps, arg),
        verify: (arg) => verifyCommand(deployDeps, arg),
        verifyAudit: (arg) => verifyAuditCommand(repositories, log, arg),
        declareIncident: (arg) => declareIncidentCommand(incidentDeps, arg),
        updateIncident: (arg) => updateIncidentCommand(incidentDeps, arg),
        resolveIncident: (arg) => resolveIncidentCommand(incidentDeps, arg),
        draftPostmortem: (arg) => draftPostmortemCommand(incidentDeps, arg),
        openIncident: (arg) => openIncidentCommand(incidentDeps, arg),
        configureNotifications: (arg) => configureNotificationsCommand({ repositories, secrets: notifySecrets, log }, arg),
        openPanel: (arg) => openPanelCommand({ repositories, panel }, 'timeline', arg),
        showCanary: (arg) => openPanelCommand({ repositories, panel }, 'canary', arg),
        setUpRepository: (arg) => setUpRepositoryCommand(deployDeps, arg),
      },
      log,
    ),
  );

  const firstScan = repositories.refresh();
  // The walkthrough's first step completes when a repository has its team configuration (a file
  // check per repository after the first scan; no parsing at activation).
  void firstScan.then(() =>
    vscode.commands.executeCommand('setContext', CONTEXT_KEYS.configured, repositories.all.some((r) => existsSync(path.join(r.root, '.hotfix', 'config.yaml')))),
  );
  // Restricted mode is told once in the log; the refusals themselves say how to trust the workspace.
  if (!isTrusted()) log.info('workspace not trusted: no cluster calls, validation suites or kubeconfig exec plugins until it is');
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => log.info('workspace trusted: cluster features are on')));
  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);
  return {
    repositories: async () => {
      await firstScan;
      return repositories.all.map((r) => r.root);
    },
    hotfixTreeItems: async (parent) => {
      await firstScan;
      return explorer.hotfixes.getChildren(parent);
    },
    onHotfixTreeChange: (listener) => explorer.hotfixes.onDidChangeTreeData(listener),
    deploymentTreeItems: async (parent) => {
      await firstScan;
      return explorer.deployments.getChildren(parent);
    },
    incidentStatusBar: async () => {
      await firstScan;
      return statusBar.state();
    },
    incidentTreeItems: async (parent) => {
      await firstScan;
      return explorer.incidents.getChildren(parent);
    },
    panel: () => panel.probe(),
    panelMessage: (message) => panel.receive(message),
    globalStoragePath: () => context.globalStorageUri.fsPath,
  };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
