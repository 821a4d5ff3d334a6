// The panel's front end (browser sandbox). It speaks only the typed protocol in src/shared and
// writes every string as text. The panel's issue builds the canary and timeline views on this.

import { isHostToWebview, type WebviewToHost } from '../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isHostToWebview(event.data)) {
    return; // not ours, or malformed: ignore
  }
  document.body.dataset['protocol'] = String(event.data.protocol);
});

vscode.postMessage({ kind: 'ready' });
