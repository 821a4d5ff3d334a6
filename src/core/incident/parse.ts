// What a person types about an incident, checked and turned into values: titles and notes, impact,
// links, ETAs, action items with owners, components, and the incident id itself.

import { failed, succeeded, type Result } from '../result';
import { IMPACT_LEVELS, type ActionItem, type Eta, type Impact, type ImpactLevel } from './model';

export const LIMITS = { title: 200, name: 100, line: 500, text: 4000, component: 80 } as const;

// C0 controls but tab and newline, DEL, C1 controls, and bidi overrides: nothing a person means to write.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** One line of text (a title, a name): trimmed, non-empty, no control characters, not too long. */
export function cleanLine(label: string, value: string | undefined, max: number = LIMITS.line): Result<string> {
  const text = (value ?? '').trim();
  if (text === '') return failed(`The ${label} is empty.`, `Give the ${label} in words${label === 'title' ? ', e.g. "Payment Gateway Down"' : ''}.`);
  if (/[\r\n\t]/.test(text) || CONTROL.test(text)) return failed(`The ${label} contains line breaks or control characters.`, `Write the ${label} on one line of plain text.`);
  if (text.length > max) return failed(`The ${label} is ${text.length} characters long; at most ${max} are kept.`, 'Shorten it; put details in a note.');
  return succeeded(text);
}

/** Free text that may span lines (a note, a root cause). */
export function cleanText(label: string, value: string | undefined, max: number = LIMITS.text): Result<string> {
  const text = (value ?? '').replace(/\r\n?/g, '\n').trim();
  if (text === '') return failed(`The ${label} is empty.`, `Write the ${label} in words.`);
  if (CONTROL.test(text)) return failed(`The ${label} contains control characters.`, 'Write it as plain text.');
  if (text.length > max) return failed(`The ${label} is ${text.length} characters long; at most ${max} are kept.`, 'Shorten it, or link to a document.');
  return succeeded(text);
}

/** `high`, or a level and what users see: `high: checkout fails for EU cards`. */
export function parseImpact(input: string): Result<Impact> {
  const match = /^\s*([A-Za-z]+)\s*(?:[:\u2014-]\s*([\s\S]*))?$/.exec(input);
  const level = match?.[1]?.toLowerCase();
  const hint = `Start with a level: ${IMPACT_LEVELS.join(', ')}; add what users see after a colon, e.g. "high: card payments fail".`;
  if (!match || !level || !(IMPACT_LEVELS as readonly string[]).includes(level)) {
    return failed(`"${input.trim()}" is not an impact.`, hint);
  }
  const rest = match[2]?.trim();
  if (!rest) return succeeded({ level: level as ImpactLevel });
  const summary = cleanLine('impact summary', rest);
  return summary.ok ? succeeded({ level: level as ImpactLevel, summary: summary.value }) : summary;
}

/** An http(s) link, as written by a person: no credentials, since links go to chat and status pages. */
export function parseLink(label: string, input: string): Result<string> {
  const hint = `Give a full http(s) address, e.g. --${label.replace(/ /g, '-')}=https://meet.example.com/inc-42.`;
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return failed(`The ${label} "${input.trim()}" is not a URL.`, hint);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return failed(`The ${label} must be an http or https link, not ${url.protocol}.`, hint);
  if (url.username !== '' || url.password !== '') return failed(`The ${label} carries a user name or password.`, 'Links are shown to everyone on the incident: leave credentials out of them.');
  return succeeded(url.href);
}

const UNITS: readonly [RegExp, number][] = [
  [/^(?:s|secs?|seconds?)$/, 1_000],
  [/^(?:m|mins?|minutes?)$/, 60_000],
  [/^(?:h|hrs?|hours?)$/, 3_600_000],
  [/^(?:d|days?)$/, 86_400_000],
];

/** `15 minutes`, `1h30m`, `an hour`, `1.5 hours` in milliseconds; undefined for anything else. */
export function parseRelativeDuration(input: string): number | undefined {
  let text = input.trim().toLowerCase().replace(/^(?:in|about|approx\.?|approximately|~)\s*/, '').replace(/\s+from now$/, '');
  text = text.replace(/^half an? hour$/, '30 minutes').replace(/^an?\s+(?=[a-z])/, '1 ');
  text = text.replace(/,|\band\b/g, ' ').replace(/\s+/g, ' ').trim();
  if (!/^(?:\d+(?:\.\d+)?\s*[a-z]+\s*)+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, name] of text.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)/g)) {
    const unit = UNITS.find(([re]) => re.test(name ?? ''));
    if (!unit) return undefined;
    total += Number(amount) * unit[1];
  }
  return Math.round(total);
}

/**
 * An ETA as written, with its absolute time when it can be computed: a duration (`15 minutes`),
 * an ISO timestamp with a zone, or a time of day marked UTC (`14:30 UTC`: the next one).
 * Anything else (`after the cache warms`) is kept as text.
 */
export function parseEta(input: string, now: Date): Result<Eta> {
  const text = cleanLine('ETA', input, LIMITS.line);
  if (!text.ok) return failed(text.reason, 'Say when, e.g. "15 minutes", "14:30 UTC" or "after the cache warms".');
  const value = text.value;
  const ms = parseRelativeDuration(value);
  if (ms !== undefined) return succeeded({ text: value, until: new Date(now.getTime() + ms).toISOString() });
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i.test(value)) {
    return succeeded({ text: value, until: new Date(Date.parse(value)).toISOString() });
  }
  const clock = /^(?:by\s+|at\s+)?([01]?\d|2[0-3]):([0-5]\d)\s*(?:utc|z)$/i.exec(value);
  if (clock) {
    const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), Number(clock[1]), Number(clock[2])));
    if (at.getTime() <= now.getTime()) at.setUTCDate(at.getUTCDate() + 1);
    return succeeded({ text: value, until: at.toISOString() });
  }
  return succeeded({ text: value });
}

/** `a; b` or `a @ada; b @bo`: items split on `;` or line breaks, a trailing `@name` is the owner. */
export function parseActionItems(input: string): Result<ActionItem[]> {
  const items: ActionItem[] = [];
  for (const raw of input.split(/[;\n]/)) {
    const part = raw.trim();
    if (part === '') continue;
    const owned = /^([\s\S]*?)\s*(?:^|\s)@([A-Za-z0-9][\w.-]*)$/.exec(part);
    const text = cleanLine('action item', owned ? owned[1] : part);
    if (!text.ok) {
      return failed(owned ? `The action item "${part}" names an owner but no work.` : text.reason, 'Write each item as what to do, then optionally @owner, separated by ";": "add validation @ada; alert on 5xx @bo".');
    }
    items.push(owned?.[2] ? { text: text.value, owner: owned[2] } : { text: text.value });
  }
  return succeeded(items);
}

/** `api, checkout`: trimmed, de-duplicated, each one line. */
export function parseList(label: string, input: string): Result<string[]> {
  const out: string[] = [];
  for (const raw of input.split(',')) {
    if (raw.trim() === '') continue;
    const item = cleanLine(label, raw, LIMITS.component);
    if (!item.ok) return item;
    if (!out.includes(item.value)) out.push(item.value);
  }
  return out.length > 0 ? succeeded(out) : failed(`No ${label} given.`, `Separate them with commas, e.g. "api, checkout".`);
}

export const INCIDENT_ID = /^INC-\d{8}-[0-9A-F]{4}$/;

/**
 * `INC-20261127-3F2A`: the UTC day it was declared, readable on a call and sortable by day, and 16
 * random bits; a store refuses a duplicate and the engine draws again.
 */
export function newIncidentId(at: Date, random: Uint8Array): string {
  const day = at.toISOString().slice(0, 10).replace(/-/g, '');
  const hex = Array.from(random.slice(0, 2), (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
  if (hex.length !== 4) throw new Error('newIncidentId needs two random bytes');
  return `INC-${day}-${hex}`;
}
