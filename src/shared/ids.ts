// Every identifier the extension contributes: command ids, view ids and context keys, in one place
// so the manifest check (scripts/check-commands.mjs) and the registration code agree.

export const COMMANDS = {
  refresh: 'hotfixDeployer.refresh',
  showLog: 'hotfixDeployer.showLog',
  createHotfix: 'hotfixDeployer.createHotfix',
  createHotfixFromProduction: 'hotfixDeployer.createHotfixFromProduction',
  finishHotfix: 'hotfixDeployer.finishHotfix',
  continueFinish: 'hotfixDeployer.continueFinish',
  openRequest: 'hotfixDeployer.openRequest',
  setGitlabToken: 'hotfixDeployer.setGitlabToken',
  abortFinish: 'hotfixDeployer.abortFinish',
  openIssue: 'hotfixDeployer.openIssue',
  deploy: 'hotfixDeployer.deploy',
  rollback: 'hotfixDeployer.rollback',
  rollbackToRevision: 'hotfixDeployer.rollbackToRevision',
  switchKubeContext: 'hotfixDeployer.switchKubeContext',
  promoteCanary: 'hotfixDeployer.promoteCanary',
  abortCanary: 'hotfixDeployer.abortCanary',
  rolloutAction: 'hotfixDeployer.rolloutAction',
  pauseAutoSync: 'hotfixDeployer.pauseAutoSync',
  restoreAutoSync: 'hotfixDeployer.restoreAutoSync',
  prepareManifestsChange: 'hotfixDeployer.prepareManifestsChange',
  validate: 'hotfixDeployer.validate',
  verify: 'hotfixDeployer.verify',
  verifyAudit: 'hotfixDeployer.verifyAudit',
  declareIncident: 'hotfixDeployer.declareIncident',
  updateIncident: 'hotfixDeployer.updateIncident',
  resolveIncident: 'hotfixDeployer.resolveIncident',
  draftPostmortem: 'hotfixDeployer.draftPostmortem',
  openIncident: 'hotfixDeployer.openIncident',
  configureNotifications: 'hotfixDeployer.configureNotifications',
  openPanel: 'hotfixDeployer.openPanel',
  showCanary: 'hotfixDeployer.showCanary',
  setUpRepository: 'hotfixDeployer.setUpRepository',
} as const;

export type CommandKey = keyof typeof COMMANDS;
export type CommandId = (typeof COMMANDS)[CommandKey];

export const VIEW_CONTAINER = 'hotfixDeployer';

export const VIEWS = {
  hotfixes: 'hotfixDeployer.hotfixes',
  deployments: 'hotfixDeployer.deployments',
  incidents: 'hotfixDeployer.incidents',
} as const;

export type ViewId = (typeof VIEWS)[keyof typeof VIEWS];

/** Context keys read by `when` clauses in package.json. */
export const CONTEXT_KEYS = {
  repositoryCount: 'hotfixDeployer.repositoryCount',
  finishInProgress: 'hotfixDeployer.finishInProgress',
  openIncidentCount: 'hotfixDeployer.openIncidentCount',
  /** A workspace repository has .hotfix/config.yaml (the walkthrough's first step is done). */
  configured: 'hotfixDeployer.configured',
} as const;

export const EXTENSION_ID = 'hotfix-deployer.hotfix-deployer';
export const OUTPUT_CHANNEL = 'Hotfix';
