// Delivers one notification over HTTP: a timeout per attempt, retries with exponential backoff and
// jitter on 429, 5xx and network failures (honouring Retry-After), none on other 4xx, all within an
// overall deadline. Never throws: the outcome is a report. Secrets (webhook URLs, routing keys, tokens)
// never reach a report: URLs are shown as scheme and host, and every part of every secret is redacted.

import type { SinkReport } from '../../core/incident/ports';
import { REDACTED, redactor } from '../../core/secrets/redact';

export interface DeliveryReport extends SinkReport {
  /** How many requests were made. */
  readonly attempts: number;
  /** The last HTTP status, when a response came. */
  readonly status?: number;
  /** Why it failed, redacted. */
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
  /**
   * When (as `now()` counts) the whole delivery must be over, retries and waits included: a request
   * still pending then is abandoned, and a wait that would end after it is not started.
   */
  readonly deadlineAt?: number;
  /** The deadline as the person configured it (`15s`), for the report. */
  readonly deadlineText?: string;
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

/** Every part of every secret replaced by `[redacted]` (core/secrets/redact). */
export function scrub(text: string, secrets: readonly string[]): string {
  return redactor(secrets)(text);
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
const isRedirect = (status: number): boolean => status >= 300 && status < 400 && status !== 304;

/** Why a URL is refused before any request: credentials in it (fetch would refuse, quoting the URL). */
function refusedUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.username !== '' || u.password !== '') {
      return 'not sent: a user name or password in the URL (user:password@host) would go with every request and into error messages; notifications never send them: configure the URL without them';
    }
    return undefined;
  } catch {
    return 'not sent: the URL is not valid';
  }
}

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
  // The URL is redacted whole; its parts only when it is itself the secret (webhooks list it in
  // `secrets`): a PagerDuty or Statuspage URL is public, its key travels in the body or a header.
  const redactSecrets = redactor(delivery.secrets);
  const redact = (text: string): string => redactSecrets(text.split(delivery.url).join(REDACTED));
  const where = redactUrl(delivery.url);
  const attempts = Math.max(1, options.attempts ?? 4);
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const deadline = options.deadlineAt;
  const remaining = (): number => (deadline === undefined ? Infinity : deadline - now());
  const within = options.deadlineText ?? (deadline === undefined ? '' : `${Math.max(0, Math.round(remaining() / 1000))}s`);
  const report = (ok: boolean, attempt: number, detail: string, status?: number, error?: string): DeliveryReport => ({
    channel: delivery.channel,
    ok,
    detail: redact(detail),
    attempts: attempt,
    ...(status !== undefined ? { status } : {}),
    ...(error !== undefined ? { error: redact(error) } : {}),
  });

  const refused = refusedUrl(delivery.url);
  if (refused !== undefined) return { report: report(false, 0, refused, undefined, refused) };
  let last = { detail: '', status: undefined as number | undefined, error: '' };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let wait: number | undefined;
    const perAttempt = AbortSignal.timeout(options.timeoutMs ?? 10_000);
    const overall = deadline === undefined ? undefined : AbortSignal.timeout(Math.max(0, remaining()));
    try {
      const response = await doFetch(delivery.url, {
        method: delivery.method ?? 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'hotfix-deployer', ...delivery.headers },
        body: JSON.stringify(delivery.body),
        signal: overall ? AbortSignal.any([perAttempt, overall]) : perAttempt,
        // Answered, never followed: a redirect would resend the payload somewhere nobody configured.
        redirect: 'manual',
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
      if (isRedirect(response.status) || response.type === 'opaqueredirect') {
        const why = `answered with a redirect (HTTP ${response.status || 'redirect'}) to another address; notifications never follow redirects: configure the final URL`;
        return { report: report(false, attempt, `${where} ${why}`, response.status, why) };
      }
      const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
      last = { detail: `HTTP ${response.status} from ${where}${snippet ? `: ${snippet}` : ''}`, status: response.status, error: `HTTP ${response.status}${snippet ? `: ${snippet}` : ''}` };
      if (!retriable(response.status)) {
        return { report: report(false, attempt, `${last.detail} (not retried: the request itself was refused)`, response.status, last.error) };
      }
      const asked = response.headers.get('retry-after')?.trim() ?? '';
      wait = retryAfterMs(asked, now());
      if (wait !== undefined && wait >= remaining()) {
        // The server said when to come back, and that is after the deadline: waiting would only hold the command.
        const after = /^\d+$/.test(asked) ? `${asked}s` : asked;
        return { report: report(false, attempt, `${last.detail}; Retry-After ${after} is beyond the ${within} deadline: not retried`, response.status, last.error) };
      }
    } catch (error) {
      if (overall?.aborted) {
        return { report: report(false, attempt, `no answer within ${within} from ${where} (the notification deadline)`, undefined, `no answer within ${within}`) };
      }
      const why = describeError(error);
      last = { detail: `${why} (${where})`, status: undefined, error: why };
    }
    if (attempt < attempts) {
      // Exponential backoff with equal jitter; Retry-After when the server said how long.
      const backoff = base * 2 ** (attempt - 1);
      const pause = Math.min(max, wait ?? backoff / 2 + random() * (backoff / 2));
      if (pause >= remaining()) {
        return { report: report(false, attempt, `${last.detail}; no time left to try again within the ${within} deadline`, last.status, last.error) };
      }
      await sleep(pause);
    }
  }
  return { report: report(false, attempts, `${last.detail}; gave up after ${attempts} attempts`, last.status, last.error) };
}
