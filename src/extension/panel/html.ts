// The panel's page: a strict CSP (nothing by default; the one bundled script only with a fresh
// nonce from crypto; styles, images and fonts only from the extension's own files), the stylesheet
// from media/, the bundle from dist/. No string from a person, git or the cluster is ever put here:
// they reach the page as messages and are set as text.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function nonce(): string {
  return randomBytes(18).toString('base64');
}

/** Only the bundle and media/ may be loaded by the page. */
export function resourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, tab: 'timeline' | 'canary'): string {
  const n = nonce();
  const csp = webview.cspSource;
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString();
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css')).toString();
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${n}'; style-src ${csp}; img-src ${csp} data:; font-src ${csp};">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `<link rel="stylesheet" href="${style}">`,
    '<title>Hotfix</title>',
    '</head>',
    '<body>',
    `<div id="app" data-tab="${tab}"></div>`,
    `<script nonce="${n}" src="${script}"></script>`,
    '</body>',
    '</html>',
  ].join('\n');
}
