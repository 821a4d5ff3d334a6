// The typed protocol between the extension and its webview panel, imported by both sides.
// Messages carry a `kind`; requests carry an `id` that their reply echoes. The panel's issue
// grows this set; the host validates every message with the guards below and ignores the rest.

/** Webview -> extension: the page has loaded and can receive state. */
export interface ReadyMessage {
  readonly kind: 'ready';
}

export type WebviewToHost = ReadyMessage;

/** Extension -> webview: the protocol version, sent in answer to `ready`. */
export interface HelloMessage {
  readonly kind: 'hello';
  readonly protocol: number;
}

export type HostToWebview = HelloMessage;

export const PROTOCOL_VERSION = 1;

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'ready';
}

export function isHostToWebview(value: unknown): value is HostToWebview {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const message = value as { kind?: unknown; protocol?: unknown };
  return message.kind === 'hello' && typeof message.protocol === 'number';
}
