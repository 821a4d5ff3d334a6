// One linear pass over the parsed YAML before it becomes data: duplicate keys (a Set per mapping, where the
// yaml library compares every key with every earlier one), keys that are collections, over-long values,
// nesting depth, and aliases: without an anchor before them, inside the node they repeat, or too many.

import { isAlias, isCollection, isMap, isNode, isPair, isScalar } from 'yaml';

/** Deeper than any setting of the schema; a bound for every recursive step after this pass (toJS, ajv). */
export const MAX_DEPTH = 64;
/** One value or key, in characters: far above any URL, query or command; keeps schema patterns fast. */
export const MAX_VALUE_LENGTH = 16 * 1024;
/**
 * Aliases in one file: the yaml library resolves each alias by scanning every anchor and alias before it,
 * quadratic in their number (20,000 pairs: 25 s). A configuration repeats a block a few times.
 */
export const MAX_ALIASES = 1000;

export interface Located {
  readonly offset: number;
  readonly text: string;
}

export interface Shape {
  /** What stops the file being read as data; reported with the syntax errors. */
  readonly structure: Located[];
  /** Aliases that cannot be resolved; reported when the syntax is sound. */
  readonly aliases: Located[];
}

interface Step {
  readonly node: unknown;
  readonly depth: number;
  readonly key?: boolean;
  /** Set on the marker popped after a collection's children: the collection is closed again. */
  readonly close?: unknown;
}

/** The property name a scalar key becomes in the JavaScript object (as the yaml library names it). */
function propertyName(value: unknown): string | undefined {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined; // bytes (!!binary) and other objects are not text
}

function start(node: unknown): number {
  return isNode(node) ? (node.range?.[0] ?? 0) : 0;
}

/** Keys that are not text, and keys already seen in the same mapping (a Set: linear, where the library is quadratic). */
function checkKeys(pairs: readonly unknown[], structure: Located[]): void {
  const seen = new Set<string>();
  for (const pair of pairs) {
    if (!isPair(pair)) continue;
    const { key } = pair;
    // A key that is not text (a list, a mapping, !!binary bytes) would become a property named by its
    // printed form, with a warning on the process.
    const name = isScalar(key) ? propertyName(key.value) : undefined;
    if (isCollection(key) || (isScalar(key) && name === undefined)) {
      structure.push({ offset: start(key), text: 'a key must be plain text, not a list, mapping or binary value' });
    } else if (name !== undefined && seen.has(name)) {
      structure.push({ offset: start(key), text: `YAML syntax: the key ${name === '' ? '(empty)' : name} appears twice in the same mapping; keep one` });
    } else if (name !== undefined) {
      seen.add(name);
    }
  }
}

/** Walks `contents` (a document's root node) in document order, with its own stack: deep nesting is what it checks. */
export function checkShape(contents: unknown): Shape {
  const structure: Located[] = [];
  const aliases: Located[] = [];
  /** The latest node carrying each anchor, as an alias resolves to it. */
  const latest = new Map<string, unknown>();
  /** Anchored collections whose children are being walked: an alias to one would make the data circular. */
  const open = new Set<unknown>();
  const stack: Step[] = [{ node: contents, depth: 1 }];
  let aliasCount = 0;
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    const { node, depth } = step;
    if (step.close !== undefined) {
      open.delete(step.close);
      continue;
    }
    if (isAlias(node)) {
      if (++aliasCount === MAX_ALIASES + 1) {
        aliases.push({ offset: start(node), text: `more than ${MAX_ALIASES.toLocaleString('en')} aliases (*name); repeat fewer blocks, or write them out` });
      }
      const target = latest.get(node.source);
      if (target === undefined) aliases.push({ offset: start(node), text: `alias *${node.source} has no anchor &${node.source} before it` });
      else if (open.has(target)) aliases.push({ offset: start(node), text: `alias *${node.source} is inside the node &${node.source} it repeats` });
      continue;
    }
    if (!isNode(node)) continue;
    if (node.anchor !== undefined) latest.set(node.anchor, node);
    if (isScalar(node)) {
      if (typeof node.value === 'string' && node.value.length > MAX_VALUE_LENGTH) {
        const what = step.key ? 'a key' : 'a value';
        structure.push({ offset: start(node), text: `${what} of ${node.value.length.toLocaleString('en')} characters; the limit for one value is ${MAX_VALUE_LENGTH.toLocaleString('en')}` });
      }
      continue;
    }
    if (!isCollection(node)) continue;
    if (depth > MAX_DEPTH) {
      structure.push({ offset: start(node), text: `nested more than ${MAX_DEPTH} levels deep; the configuration has only a few levels` });
      continue;
    }
    if (isMap(node)) checkKeys(node.items, structure);
    if (node.anchor !== undefined) {
      // Only an anchored collection can be the target of an alias inside it.
      open.add(node);
      stack.push({ node: undefined, depth, close: node });
    }
    // Pushed last to first, so they are walked in document order (an alias resolves to the latest anchor).
    for (let i = node.items.length - 1; i >= 0; i--) {
      const item: unknown = node.items[i];
      if (isPair(item)) stack.push({ node: item.value, depth: depth + 1 }, { node: item.key, depth: depth + 1, key: true });
      else stack.push({ node: item, depth: depth + 1 });
    }
  }
  return { structure, aliases };
}
