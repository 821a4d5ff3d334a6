// Reading the extension's settings (keys in src/shared/settings.ts).

import * as os from 'node:os';
import * as vscode from 'vscode';
import { SETTINGS } from '../shared/settings';

/** The hotfixDeployer.kubeconfig setting with ~ expanded, or undefined for $KUBECONFIG / ~/.kube/config. */
export function kubeconfigSetting(): string | undefined {
  const value = vscode.workspace.getConfiguration(SETTINGS.section).get<string>(SETTINGS.kubeconfig)?.trim();
  return value ? value.replace(/^~(?=$|\/)/, os.homedir()) : undefined;
}
