// The one way to the extension: the VS Code webview API, the persisted PanelState, and requests
// whose replies come back by id.

import { isPanelState, type PanelState, type WebviewToHost } from '../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Reply {
  readonly ok: boolean;
  readonly message?: string;
}

export class Host {
  private readonly api = acquireVsCodeApi();
  private readonly waiting = new Map<string, (reply: Reply) => void>();
  private current: PanelState;

  constructor() {
    const saved = this.api.getState();
    this.current = isPanelState(saved) ? saved : {};
  }

  get state(): PanelState {
    return this.current;
  }

  /** The state as it was saved (undefined on a first load): what `ready` tells the host. */
  get savedState(): PanelState | undefined {
    const saved = this.api.getState();
    return isPanelState(saved) ? saved : undefined;
  }

  post(message: WebviewToHost): void {
    this.api.postMessage(message);
  }

  /** Merges a change into the PanelState, keeps it across reloads and tells the host. */
  update(change: Partial<PanelState>): void {
    this.current = { ...this.current, ...change };
    this.api.setState(this.current);
    this.post({ kind: 'state', state: this.current });
  }

  /** Registers a request's reply handler; the request itself is posted by the caller with the same id. */
  expect(id: string, onReply: (reply: Reply) => void): void {
    this.waiting.set(id, onReply);
  }

  /** Hands a `reply` to whoever waits for it; replies nobody waits for are ignored. */
  reply(id: string, reply: Reply): void {
    const handler = this.waiting.get(id);
    if (!handler) return;
    this.waiting.delete(id);
    handler(reply);
  }
}
