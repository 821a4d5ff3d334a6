// Delivers one notification over HTTP: a timeout per attempt, retries with exponential backoff and
// jitter on 429, 5xx and network failures (honouring Retry-After), none on other 4xx. Never throws:
// the outcome is a report. Secrets (webhook URLs, routing keys, tokens) never reach a report, a log
// or an error: URLs are shown as scheme and host, and every secret is scrubbed from any text.

import type { SinkReport } from '../../core/incident/ports';

export interface DeliveryReport extends SinkReport {
  /** How many requests were made. */
  readonly attempts: number;
  /** The last HTTP status, when a response came. */
  readonly status?: number;
  /** Why it failed, scrubbed of secrets. */
  readonly error?: string;
}

export interface HttpDelivery {
  readonly channel: string;
  readonly url: string;
  readonly method?: 'POST' | 'PATCH' | 'PUT';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Everything that must never be shown: the URL (when it is the secret), keys, tokens. */
  readonly secrets: readonly string[];
}

export interface SendOptions {
  /** Per attempt; default 10 s. */
  readonly timeoutMs?: number;
  /** Requests in all; default 4. */
  readonly attempts?: number;
  /** The first backoff; default 500 ms, doubling each time. */
  readonly baseDelayMs?: number;
  /** The longest wait between attempts, Retry-After included; default 30 s. */
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter. */
  readonly random?: () => number;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

export interface SendResult {
  readonly report: DeliveryReport;
  /** The parsed JSON response body of a success, when it had one (Statuspage's incident id). */
  readonly response?: unknown;
}

/** `https://hooks.slack.com/services/T0/B0/XXXX` -> `https://hooks.slack.com`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(an invalid URL)';
  }
}

/** Every secret (and its URL-encoded form) replaced by `[redacted]`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('[redacted]');
  }
  return out;
}

/** Retry-After as milliseconds from now: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const retriable = (status: number): boolean => status === 429 || status >= 500;

function describeError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
    const cause = (error as { cause?: unknown }).cause;
    const code = (cause as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string') return `${error.message} (${code})`;
    return error.message;
  }
  return String(error);
}

export async function sendHttp(delivery: HttpDelivery, options: SendOptions = {}): Promise<SendResult> {
  const secrets = [...delivery.secrets, delivery.url];
  const where = redactUrl(delivery.url);
  const attempts = Math.max(1, options.attempts ?? 4);
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const report = (ok: boolean, attempt: number, detail: string, status?: number, error?: string): DeliveryReport => ({
    channel: delivery.channel,
    ok,
    detail: scrub(detail, secrets),
    attempts: attempt,
    ...(status !== undefined ? { status } : {}),
    ...(error !== undefined ? { error: scrub(error, secrets) } : {}),
  });

  let last = { detail: '', status: undefined as number | undefined, error: '' };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let wait: number | undefined;
    try {
      const response = await doFetch(delivery.url, {
        method: delivery.method ?? 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'hotfix-deployer', ...delivery.headers },
        body: JSON.stringify(delivery.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        redirect: 'error', // a redirect would resend the payload somewhere nobody configured
      });
      const text = await response.text().catch(() => '');
      if (response.ok) {
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
        return { report: report(true, attempt, `delivered to ${where} (HTTP ${response.status}${tries})`, response.status), ...(parsed !== undefined ? { response: parsed } : {}) };
      }
      const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
      last = { detail: `HTTP ${response.status} from ${where}${snippet ? `: ${snippet}` : ''}`, status: response.status, error: `HTTP ${response.status}${snippet ? `: ${snippet}` : ''}` };
      if (!retriable(response.status)) {
        return { report: report(false, attempt, `${last.detail} (not retried: the request itself was refused)`, response.status, last.error) };
      }
      wait = retryAfterMs(response.headers.get('retry-after'), now());
    } catch (error) {
      const why = describeError(error);
      last = { detail: `${why} (${where})`, status: undefined, error: why };
    }
    if (attempt < attempts) {
      // Exponential backoff with equal jitter; Retry-After when the server said how long.
      const backoff = base * 2 ** (attempt - 1);
      await sleep(Math.min(max, wait ?? backoff / 2 + random() * (backoff / 2)));
    }
  }
  return { report: report(false, attempts, `${last.detail}; gave up after ${attempts} attempts`, last.status, last.error) };
}
