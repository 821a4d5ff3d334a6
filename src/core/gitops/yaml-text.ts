// Edits of YAML text at the positions the `yaml` Document API reports for its nodes: a value is
// replaced character for character, so comments, quoting and layout everywhere else stay as written.

import { isScalar, stringify, type Scalar } from 'yaml';

export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export function splice(source: string, edits: readonly TextEdit[]): string {
  // From the end, so earlier offsets stay right; of two insertions at one place, the first listed comes first.
  const order = edits.map((e, i) => ({ e, i })).sort((a, b) => b.e.start - a.e.start || b.i - a.i);
  return order.reduce((out, { e }) => out.slice(0, e.start) + e.text + out.slice(e.end), source);
}

/** A scalar's text as written (so `newTag: 1.10` is "1.10", not 1.1). */
export function sourceOf(node: Scalar): string {
  return typeof node.source === 'string' ? node.source : String(node.value);
}

export function scalarValue(node: unknown): string | undefined {
  return isScalar(node) && node.value !== null ? sourceOf(node) : undefined;
}

/** The new value in the quoting the old one had. */
export function scalarText(node: Scalar, value: string): string {
  if (node.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (node.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  return plain(value);
}

/** Plain when YAML would read it back as the same string, quoted otherwise (`"2.0"`, `"true"`). */
export function plain(value: string): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/**
 * The edit that writes `value` over a one-line scalar (plain or quoted, or an empty `key:`); undefined
 * for a block scalar or a node without a position, which only the document API can rewrite.
 */
export function scalarEdit(source: string, node: Scalar, value: string): TextEdit | undefined {
  const range = node.range;
  if (!range || !(node.type === 'PLAIN' || node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) return undefined;
  const [start, end] = range;
  if (start !== end) return { start, end, text: scalarText(node, value) };
  // An empty value (`tag:` or `tag: # comment`) sits against the colon or the comment: space it off both.
  const before = /\s/.test(source.charAt(start - 1)) ? '' : ' ';
  const after = start >= source.length || /\s/.test(source.charAt(start)) ? '' : ' ';
  return { start, end, text: `${before}${plain(value)}${after}` };
}
