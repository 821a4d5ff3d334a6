// Reading the extension's settings (keys in src/shared/settings.ts).

import * as os from 'node:os';
import * as vscode from 'vscode';
import { machineValue, SETTINGS } from '../shared/settings';

/**
 * The hotfixDeployer.kubeconfig setting with ~ expanded, or undefined for $KUBECONFIG / ~/.kube/config.
 * Only the user's (or remote machine's) value counts: the setting is `machine` scoped, and a host
 * that merged a workspace value anyway must not let a cloned repository's .vscode/settings.json pick
 * the kubeconfig, whose exec plugin runs on the first cluster call.
 */
export function kubeconfigSetting(): string | undefined {
  const value = machineValue(vscode.workspace.getConfiguration(SETTINGS.section).inspect<string>(SETTINGS.kubeconfig))?.trim();
  return value ? value.replace(/^~(?=$|\/)/, os.homedir()) : undefined;
}

/**
 * The hotfixDeployer.helmPath setting with ~ expanded, or undefined for `helm` on PATH. Machine scoped
 * for the same reason as the kubeconfig: a cloned repository must not choose a binary that runs.
 */
export function helmPathSetting(): string | undefined {
  const value = machineValue(vscode.workspace.getConfiguration(SETTINGS.section).inspect<string>(SETTINGS.helmPath))?.trim();
  return value ? value.replace(/^~(?=$|\/)/, os.homedir()) : undefined;
}
