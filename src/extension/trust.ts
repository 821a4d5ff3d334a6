// Workspace trust in the editor: refusals shown with the button that trusts the workspace, and the
// check for a repository whose incidents live on the cluster. The rules are in trust-gate.ts.

import * as vscode from 'vscode';
import { MANAGE_TRUST, MANAGE_TRUST_COMMAND, UNTRUSTED_INCIDENT_STORE } from './trust-gate';

export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

/** The refusal, in the log and as an error whose button opens the workspace trust editor. */
export async function showUntrusted(log: vscode.LogOutputChannel, message: string): Promise<void> {
  log.warn(message);
  if ((await vscode.window.showErrorMessage(message, MANAGE_TRUST)) === MANAGE_TRUST) {
    await vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
  }
}

/**
 * Why the incidents of `root` cannot be opened now: in an untrusted workspace, a configuration that
 * keeps them on the cluster would load the kubeconfig (and run its exec plugin). Undefined: go on.
 */
export async function untrustedIncidentStore(root: string): Promise<string | undefined> {
  if (isTrusted()) return undefined;
  const { teamConfiguration } = await import('../app/repository.js');
  const config = await teamConfiguration(root);
  return config.ok && config.value.incidents?.store === 'cluster' ? UNTRUSTED_INCIDENT_STORE : undefined;
}
