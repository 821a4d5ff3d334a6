// Reads the text of .hotfix/config.yaml against the same JSON Schema the editor uses, and places
// every problem at file:line:col with its key path, so a person can fix it without guessing.

import type { ErrorObject, ValidateFunction } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLError, type YAMLMap, type YAMLWarning } from 'yaml';
import { failed, succeeded, type Result } from '../result';
import { compileSchemaValidator } from './schema-validator';
import { CONFIG_MAX_BYTES, configTooLarge, utf8Length } from './size';
import type { HotfixConfigFile } from './types';
import { checkShape } from './yaml-shape';

/** A person reads the first ones and fixes them; thousands of lines would hide them. */
const MAX_LISTED = 100;
/** How much of a refused value a message quotes. */
const MAX_QUOTED = 100;

/** One problem in the file, 1-based like editors count. */
interface Problem {
  readonly line: number;
  readonly col: number;
  readonly text: string;
}

interface SchemaProblem extends Problem {
  /** The dotted key path, to keep one problem per key. */
  readonly path: string;
}

let validator: ValidateFunction | undefined;

/** Made on first use: activation in a repository without the file should not pay for it. */
function schemaValidator(): ValidateFunction {
  validator ??= compileSchemaValidator();
  return validator;
}

/**
 * Parses and validates the configuration. `file` is the label for messages (the path relative to the
 * repository root). An empty file, or one with only comments, is a valid empty configuration.
 */
export function parseConfig(text: string, file: string): Result<HotfixConfigFile> {
  // Text handed in directly (an editor's buffer) gets the cap the file adapter checks before reading.
  const bytes = utf8Length(text);
  if (bytes > CONFIG_MAX_BYTES) {
    return configTooLarge(file, bytes);
  }
  const lineCounter = new LineCounter();
  // The library's duplicate-key check compares each key with every earlier one (quadratic in a mapping's
  // size): checkShape finds duplicates with a Set instead.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const at = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);

  const shape = checkShape(doc.contents);
  // Warnings count too: an unknown tag such as `!env X` would otherwise be read silently as the text "X".
  const syntax = [...doc.errors, ...doc.warnings].map((error) => ({ ...at(error.pos[0]), text: syntaxMessage(error) }));
  if (syntax.length + shape.structure.length > 0) {
    return report(file, [...syntax, ...shape.structure.map((problem) => ({ ...at(problem.offset), text: problem.text }))]);
  }
  if (shape.aliases.length > 0) {
    return report(file, shape.aliases.map((problem) => ({ ...at(problem.offset), text: problem.text })));
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Only an alias bomb gets here; there is no single place to point at.
    return failed(`${file}: ${error instanceof Error ? error.message : String(error)}`, 'Use fewer YAML aliases (*name).');
  }
  if (data === null || data === undefined) {
    return succeeded({});
  }

  const validate = schemaValidator();
  if (!validate(data)) {
    const pairs = pairIndex();
    return report(file, onePerKey((validate.errors ?? []).map((error) => describe(error, doc, at, pairs))));
  }
  return succeeded(withoutEmptySections(data as Record<string, unknown>) as HotfixConfigFile);
}

/**
 * Keeps the first problem for each key: an empty `model:` breaks both `type` and `enum`, and the
 * person needs to hear it once. ajv checks `type` first, so the most basic complaint is the one kept.
 */
function onePerKey(problems: readonly SchemaProblem[]): Problem[] {
  const first = new Map<string, Problem>();
  for (const problem of problems) {
    if (!first.has(problem.path)) {
      first.set(problem.path, problem);
    }
  }
  return [...first.values()];
}

function report(file: string, problems: readonly Problem[]): Result<never> {
  const sorted = [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
  const lines = sorted.slice(0, MAX_LISTED).map((problem) => `${file}:${problem.line}:${problem.col}: ${problem.text}`);
  if (sorted.length > MAX_LISTED) {
    lines.push(`… and ${(sorted.length - MAX_LISTED).toLocaleString('en')} more problems`);
  }
  return failed(
    lines.join('\n'),
    `Fix ${sorted.length === 1 ? 'it' : `these ${sorted.length.toLocaleString('en')} problems`} in ${file} and run again.`,
  );
}

/** The parser's words, except where they speak to a programmer rather than to the file's author. */
function syntaxMessage(error: YAMLError | YAMLWarning): string {
  switch (error.code) {
    case 'MULTIPLE_DOCS':
      return 'YAML syntax: the file must hold one document; remove this --- line and what follows, or merge it into the first';
    case 'RESOURCE_EXHAUSTION':
      // The library's words are the JavaScript stack's ("Maximum call stack size exceeded").
      return 'YAML syntax: nested too deeply to read; the configuration has only a few levels';
    default:
      return `YAML syntax: ${error.message}`;
  }
}

/** A section left with every key commented out reads as null; it means the same as leaving it out. */
function withoutEmptySections(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== null));
}

/** A mapping's pair by key, indexed on first use: looking up each of thousands of problems stays linear. */
type PairIndex = (map: YAMLMap, key: string) => Pair | undefined;

function pairIndex(): PairIndex {
  const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();
  return (map, key) => {
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) {
        // The first pair wins, as a search from the top would find it (duplicates are refused before).
        if (isScalar(pair.key) && !index.has(String(pair.key.value))) index.set(String(pair.key.value), pair);
      }
      indexes.set(map, index);
    }
    return index.get(key);
  };
}

/** Turns one ajv error into words: the key path, what is expected, and what was found. */
function describe(error: ErrorObject, doc: Document, at: (offset: number) => { line: number; col: number }, pairs: PairIndex): SchemaProblem {
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const parent = error.parentSchema as { properties?: Record<string, unknown>; patternErrorMessage?: string } | undefined;
  const params = error.params as Record<string, unknown>;
  let keyPath = segments;
  let onKey = false;
  let text: string;

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      keyPath = [...segments, key];
      onKey = true; // the key is what is wrong, not its value
      text = `unknown key ${keyPath.join('.')}; known keys: ${Object.keys(parent?.properties ?? {}).join(', ')}`;
      break;
    }
    case 'enum':
      text = `must be one of ${(params['allowedValues'] as unknown[]).map(String).join(', ')} (found ${found(error.data)})`;
      break;
    case 'const':
      text = `must be ${JSON.stringify(params['allowedValue'])} (found ${found(error.data)})`;
      break;
    case 'type':
      text = isCommandPath(segments) && typeof error.data === 'string' ? shellLine(error.data) : typeMismatch(String(params['type']), error.data);
      break;
    case 'pattern':
      text = `${parent?.patternErrorMessage ?? `must match ${String(params['pattern'])}`} (found ${found(error.data)})`;
      break;
    default:
      text = `${error.message ?? 'is not allowed'} (found ${found(error.data)})`;
  }
  const offset = locate(doc, keyPath, onKey, pairs);
  const prefix = keyPath.length > 0 && !onKey ? `${keyPath.join('.')}: ` : '';
  return { ...at(offset), path: keyPath.join('.'), text: `${prefix}${text}` };
}

/** `validate.<suite>.<n>.run` and `targets.<name>.smoke.command`: commands run without a shell. */
function isCommandPath(segments: readonly string[]): boolean {
  return (segments.length === 4 && segments[0] === 'validate' && segments[3] === 'run') || (segments.length === 4 && segments[0] === 'targets' && segments[2] === 'smoke' && segments[3] === 'command');
}

/** A command written as one string: it is never given to a shell, so say so and show the array form. */
function shellLine(line: string): string {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  const example = words.length > 0 && !/[;|&<>$`()]/.test(line) ? `[${words.join(', ')}]` : '[npm, test]';
  return `must be an argument array such as ${example}: it runs without a shell, so ";", "|", "&&" and other shell syntax are not interpreted (found ${found(line)}); put anything a shell must do in a script file and run that`;
}

function typeMismatch(expected: string, data: unknown): string {
  const wanted = expected.split(',')[0];
  if (wanted === 'object') {
    return `must be a mapping of keys to values (found ${found(data)})`;
  }
  if (wanted === 'string' && (typeof data === 'number' || typeof data === 'boolean')) {
    // YAML reads 1.0, yes or 2024-01 style values as other types; quotes keep them text.
    return `must be a string (found ${found(data)}; put it in quotes if it is meant as text)`;
  }
  return `must be a ${wanted ?? expected} (found ${found(data)})`;
}

function found(data: unknown): string {
  if (data === null || data === undefined) return 'an empty value';
  if (Array.isArray(data)) return 'a list';
  if (typeof data === 'object') return 'a mapping';
  if (typeof data === 'string' && data.length > MAX_QUOTED) {
    return `${JSON.stringify(data.slice(0, MAX_QUOTED))}… (${data.length.toLocaleString('en')} characters)`;
  }
  return JSON.stringify(data); // strings quoted, so "1" and 1 read differently
}

/**
 * The offset of the node at `keyPath`: its key when `onKey`, else its value (or its key when the value
 * was left empty, since an empty value has no text of its own to point at).
 */
function locate(doc: Document, keyPath: readonly string[], onKey: boolean, pairs: PairIndex): number {
  let node: unknown = doc.contents;
  let pair: Pair | undefined;
  for (const segment of keyPath) {
    pair = undefined;
    if (isMap(node)) {
      pair = pairs(node, segment);
      node = pair?.value;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
    } else {
      break;
    }
  }
  const keyOffset = rangeStart(pair?.key);
  if (onKey && keyOffset !== undefined) {
    return keyOffset;
  }
  const emptyValue = isScalar(node) && node.value === null && node.source === '';
  return (emptyValue ? keyOffset : rangeStart(node)) ?? keyOffset ?? rangeStart(doc.contents) ?? 0;
}

function rangeStart(node: unknown): number | undefined {
  return node !== null && typeof node === 'object' && 'range' in node ? (node as Node).range?.[0] : undefined;
}
