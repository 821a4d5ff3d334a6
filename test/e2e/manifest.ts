// Reads the extension's own manifest, as VS Code loaded it, for the host tests.
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../src/shared/ids';
import type { HotfixDeployerApi } from '../../src/extension/extension';

export interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus?: { commandPalette?: { command: string; when?: string }[] };
    viewsContainers: { activitybar: { id: string; title: string }[] };
    views: Record<string, { id: string; name: string }[]>;
  };
}

export function extension(): vscode.Extension<HotfixDeployerApi> {
  const found = vscode.extensions.getExtension<HotfixDeployerApi>(EXTENSION_ID);
  if (!found) {
    throw new Error(`extension ${EXTENSION_ID} is not loaded in this host`);
  }
  return found;
}

export function manifest(): Manifest {
  return extension().packageJSON as Manifest;
}
