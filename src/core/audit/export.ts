// Exports audit records for compliance and post-mortems: JSON (the records as stored, chain fields
// included), CSV (RFC 4180) and a Markdown table. Every value is text: CSV cells that a spreadsheet
// would run as a formula are neutralized, Markdown punctuation and `|` are escaped, and control
// characters (a git user.name carrying ESC sequences) are shown as \u escapes, never sent raw to a
// terminal, a pager or a spreadsheet.

import { failed, succeeded, type Result } from '../result';
import { parseLine, type AuditEntry } from './chain';

export type ExportFormat = 'json' | 'csv' | 'md';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'csv', 'md'];

export function parseExportFormat(text: string): Result<ExportFormat> {
  const format = text.trim().toLowerCase();
  return (EXPORT_FORMATS as readonly string[]).includes(format)
    ? succeeded(format as ExportFormat)
    : failed(`The format "${text}" is not one this export writes.`, `Use one of ${EXPORT_FORMATS.join(', ')}.`);
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: an ISO date or time (`2026-03-01`, `2026-03-01T09:30:00Z`) or a duration back from `now` (`90m`, `24h`, `7d`). */
export function parseSince(text: string, now: Date): Result<Date> {
  const trimmed = text.trim();
  const duration = /^(\d+)\s*([smhdw])$/i.exec(trimmed);
  if (duration) {
    return succeeded(new Date(now.getTime() - Number(duration[1]) * (UNIT_MS[(duration[2] as string).toLowerCase()] as number)));
  }
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) {
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at)) return succeeded(new Date(at));
  }
  return failed(`The time "${text}" is neither an ISO date/time nor a duration.`, 'Use e.g. 24h, 7d or 2026-03-01T00:00:00Z.');
}

/** The records in a log's text, chained or not; lines that are not JSON objects are skipped (verify reports them). */
export function readEntries(text: string): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    const parsed = parseLine(line);
    if (parsed.kind === 'chained' || parsed.kind === 'unchained') entries.push(parsed.entry);
  }
  return entries;
}

/** The records at or after `since` (all without it); a record whose time does not parse is left out of a filtered export. */
export function selectSince(records: readonly AuditEntry[], since?: Date): readonly AuditEntry[] {
  return since === undefined ? records : records.filter((r) => Date.parse(r.at) >= since.getTime());
}

export function exportRecords(records: readonly AuditEntry[], format: ExportFormat, since?: Date): string {
  const selected = selectSince(records, since);
  switch (format) {
    case 'json':
      // JSON.stringify leaves DEL, C1 and bidi characters raw; as \u escapes the JSON means the same.
      return `${neutralizeControls(JSON.stringify(selected, null, 2))}\n`;
    case 'csv':
      return toCsv(selected);
    case 'md':
      return toMarkdown(selected);
  }
}

const CSV_COLUMNS = ['seq', 'at', 'actor', 'osUser', 'action', 'subject', 'before', 'after', 'details', 'hash'] as const;

function toCsv(records: readonly AuditEntry[]): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const r of records) {
    const details = r.details === undefined ? '' : r.details;
    const cells = [r.seq, r.at, r.actor, r.osUser ?? '', r.action, r.subject, r.before ?? '', r.after ?? '', details, r.hash ?? ''];
    rows.push(cells.map(csvCell).join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}

/** RFC 4180 quoting; a leading = + - @ tab or CR would make a spreadsheet run the cell as a formula, so it gets a `'` first (OWASP). */
export function csvCell(value: unknown): string {
  let text = asText(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toMarkdown(records: readonly AuditEntry[]): string {
  const rows = ['| Seq | Time | Actor | OS user | Action | Subject | Before → After | Details |', '| ---: | --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of records) {
    const change = r.before === undefined && r.after === undefined ? '' : `${mdCell(r.before)} → ${mdCell(r.after)}`;
    const details = Object.entries(r.details ?? {})
      .map(([key, value]) => `${mdCell(key)}: ${mdCell(value)}`)
      .join('; ');
    rows.push(`| ${[mdCell(r.seq), mdCell(r.at), mdCell(r.actor), mdCell(r.osUser), mdCell(r.action), mdCell(r.subject), change, details].join(' | ')} |`);
  }
  return `${rows.join('\n')}\n`;
}

/** Text in a table cell: Markdown and HTML punctuation backslash-escaped (`|` included), line breaks as `<br>`. */
export function mdCell(value: unknown): string {
  return asText(value).replace(/[\\`*_[\]<>|&~#!()]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '<br>');
}

// C0 controls but tab, LF and CR (CSV and Markdown handle those), DEL, C1 controls (U+009B is a
// one-character CSI) and bidi overrides: ESC alone starts CSI and OSC sequences, which can retitle
// a terminal, recolour it or, in some terminals, write to the clipboard.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Control characters as visible `\u001b` escapes: the text stays readable and nothing in it acts. */
export function neutralizeControls(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Records come from a file a person may have edited: any value prints as text. */
function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return neutralizeControls(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return neutralizeControls(JSON.stringify(value) ?? '');
}
