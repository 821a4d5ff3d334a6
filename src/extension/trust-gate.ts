// Restricted mode's rules: which commands need a trusted workspace, and the words of a refusal.
// Pure (no `vscode`), so the unit tests check the gate with the trust state given: no run in the
// extension-host tier can be untrusted (VS Code trusts every workspace it runs extension tests in).

import type { CommandKey } from '../shared/ids';

/** The button (and the workbench command) that lets the person trust the workspace. */
export const MANAGE_TRUST = 'Manage Workspace Trust';
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

const CLUSTER = 'reaches your Kubernetes cluster through the kubeconfig (whose exec plugin runs to sign in)';

/**
 * What each command does that an untrusted repository must not get to start: a cluster call (with
 * the kubeconfig's exec plugin), or commands its .hotfix/config.yaml names. Commands not listed
 * (hotfix branches, incidents in the repository's own store, the log, notifications) run anyway:
 * they run git and write files under .git/hotfix, and nothing the repository supplies is executed.
 */
const NEEDS_TRUST: Readonly<Partial<Record<CommandKey, string>>> = {
  deploy: `Deploy… ${CLUSTER}`,
  rollback: `Rollback… ${CLUSTER}`,
  rollbackToRevision: `Roll Back to This Revision… ${CLUSTER}`,
  promoteCanary: `Promote Canary ${CLUSTER}`,
  abortCanary: `Abort Canary ${CLUSTER}`,
  rolloutAction: `Argo Rollout Action… ${CLUSTER}`,
  pauseAutoSync: `Pause GitOps Auto-Sync… ${CLUSTER}`,
  restoreAutoSync: `Restore GitOps Auto-Sync… ${CLUSTER}`,
  prepareManifestsChange: `Prepare Manifests Change… ${CLUSTER}`,
  validate: `Validate… runs the commands of the repository's validation suites and ${CLUSTER}`,
  verify: `Verify… ${CLUSTER}`,
  createHotfixFromProduction: `Create Hotfix from Production… ${CLUSTER}`,
  setUpRepository: `Set Up Repository… ${CLUSTER}`,
  setGitlabToken: `Set GitLab Token… sends the token to the GitLab the repository's configuration names`,
};

/** The refusal for a cluster read that is not a command (the Deployments view, the panel's canary). */
export const UNTRUSTED_CLUSTER = untrusted(`Hotfix ${CLUSTER} only in a trusted workspace.`);

/** The incidents of a repository that keeps them on the cluster (incidents.store: cluster). */
export const UNTRUSTED_INCIDENT_STORE = untrusted(`this repository keeps its incidents on the cluster (incidents.store: cluster), and Hotfix ${CLUSTER} only in a trusted workspace.`);

/** Resolving an incident that paused GitOps auto-sync restores it on the cluster. */
export const UNTRUSTED_GITOPS_RESTORE = untrusted(`resolving the incident restores the GitOps auto-sync it paused, and Hotfix ${CLUSTER} only in a trusted workspace.`);

/** A finish through pull requests: the repository's git.forge names where the person's token goes. */
export const UNTRUSTED_FORGE = untrusted(`its .hotfix/config.yaml names the forge your GitHub or GitLab token would be sent to, and Hotfix hands a token to a forge only in a trusted workspace.`);

function untrusted(why: string): string {
  return `This workspace is not trusted: ${why} Trust it with ${MANAGE_TRUST}.`;
}

export function needsTrust(key: CommandKey): boolean {
  return NEEDS_TRUST[key] !== undefined;
}

/** Why `key` may not run now; undefined when it may (a trusted workspace, or a command that needs no trust). */
export function untrustedRefusal(key: CommandKey, trusted: boolean): string | undefined {
  const why = NEEDS_TRUST[key];
  return trusted || why === undefined ? undefined : untrusted(`${why}, which Hotfix does only in a trusted workspace.`);
}
