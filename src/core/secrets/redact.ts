// The one redaction applied wherever text leaves the process or is recorded: from each configured
// secret (a webhook URL, a routing key, an API key), every piece of it a server may echo back.

export const REDACTED = '[redacted]';

export type Redact = (text: string) => string;

/** A secret shorter than this is not searched for: it would match inside ordinary words. */
const MIN_SECRET = 4;
/** Query values and credentials at least this long are redacted even when they look like words. */
const MIN_VALUE = 8;

/**
 * Whether a path segment (or query value) looks generated rather than like a route word. The words a
 * webhook URL routes by (services, hooks, workflows, triggers, invoke) are lower-case dictionary words,
 * short version tags (v1, v2) or Capitalised; the ids and tokens it hides are at least 8 characters
 * with a digit or an upper-case letter past the first (Slack's T…/B…/token, Teams' GUIDs and hex,
 * signatures), or long strings of anything. Short pieces (`T0`, `B0`) would match all over ordinary
 * text on their own; they are still redacted in context, inside every path suffix that holds them.
 */
export function looksSecret(word: string): boolean {
  if (word.length >= 24) return true;
  return word.length >= MIN_VALUE && (/\d/.test(word) || /[A-Z]/.test(word.slice(1)));
}

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** A part as written, percent-decoded, and percent-encoded (how a server or a query string may echo it). */
function forms(part: string): string[] {
  return [part, decode(part), encodeURIComponent(part), encodeURIComponent(decode(part))];
}

function parseUrl(secret: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(secret)) return undefined;
  try {
    return new URL(secret);
  } catch {
    return undefined;
  }
}

/** The pieces of a URL a receiver may echo: its path, each path suffix, its tokens, query values, credentials. */
function urlParts(url: URL, raw: string): string[] {
  const parts = [url.href];
  const search = url.search; // with its '?', or ''
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const secretSegment = (s: string) => looksSecret(s) || looksSecret(decode(s));
  // Each suffix of the path that holds a token: `/services/T0/B0/X`, `/T0/B0/X`, `/B0/X`, `/X`.
  for (let i = 0; i < segments.length; i++) {
    const tail = segments.slice(i);
    if (!tail.some(secretSegment)) break; // shorter suffixes hold no token either
    const suffix = `/${tail.join('/')}`;
    parts.push(suffix, `${suffix}${search}`);
  }
  parts.push(...segments.filter(secretSegment));
  const query = search.slice(1);
  const values = query === '' ? [] : query.split('&').map((pair) => (pair.includes('=') ? pair.slice(pair.indexOf('=') + 1) : pair));
  const secretValues = values.filter((v) => v.length >= MIN_VALUE || secretSegment(v));
  if (secretValues.length > 0) parts.push(`${url.pathname}${search}`, search, query, ...secretValues);
  // Credentials (which the sender refuses to send, but a person may still have configured them).
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(raw)?.[1];
  if (userinfo !== undefined) {
    parts.push(`${userinfo}@`, `${url.username}${url.password !== '' ? `:${url.password}` : ''}@`);
    for (const credential of [url.username, url.password]) if (decode(credential).length >= MIN_SECRET) parts.push(credential);
  }
  return parts;
}

/**
 * Every form of `secret` worth redacting: the whole value and its URL-encoded form, and for a URL the
 * pieces above. Keys (a PagerDuty routing key, a Statuspage API key) are one token: the whole value.
 */
export function secretParts(secret: string): string[] {
  const value = secret.trim();
  if (value.length < MIN_SECRET) return [];
  const url = parseUrl(value);
  const parts = url ? [value, ...urlParts(url, value)] : [value];
  const all = new Set(parts.flatMap(forms).filter((p) => p.length >= MIN_SECRET));
  return [...all].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

/** Replaces every part of every secret by `[redacted]`, longest first, so a URL goes whole, not piece by piece. */
export function redactor(secrets: readonly string[]): Redact {
  const parts = [...new Set(secrets.flatMap(secretParts))].sort((a, b) => b.length - a.length);
  if (parts.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const part of parts) if (out.includes(part)) out = out.split(part).join(REDACTED);
    return out;
  };
}

/** A JSON-like value with every string in it redacted (records and events before they are stored). */
export function redactDeep<T>(value: T, redact: Redact): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, redact)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v as unknown, redact)])) as T;
  }
  return value;
}
