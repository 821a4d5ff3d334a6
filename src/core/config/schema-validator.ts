// The JSON Schema validator of .hotfix/config.yaml, as ajv builds it. Compiling it costs ~200 ms of code
// generation at run time, so the bundles replace compileSchemaValidator with the code ajv generates from
// schemaValidatorSource at build time (scripts/build.mjs, `precompiled-schema`); out/ compiles it on first use.

import Ajv, { type Options, type ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import schema from '../../../schemas/config.schema.json';

const OPTIONS: Options = {
  allErrors: true, // a person fixing the file wants every problem at once
  verbose: true, // gives errors their data and parent schema, for "found ..." and patternErrorMessage
  allowUnionTypes: true, // sections may be null: `git:` with every key commented out
  keywords: ['patternErrorMessage', 'enumDescriptions'], // VS Code schema extensions, shown in the editor too
};

/** The validator, compiled now (ajv's code generation): what parse.ts calls once, on first use. */
export function compileSchemaValidator(): ValidateFunction {
  return new Ajv(OPTIONS).compile(inlined(schema, schema.definitions) as object);
}

/**
 * The same validator as CommonJS source (ajv's standalone code: `module.exports` is the validate
 * function; it requires ajv's small runtime helpers): the build writes it into the bundles, and a unit
 * test checks that it answers exactly as compileSchemaValidator does.
 */
export function schemaValidatorSource(): string {
  // code.source keeps each schema's literal in the code, for verbose errors' schema and parentSchema.
  const ajv = new Ajv({ ...OPTIONS, code: { source: true } });
  return standaloneCode(ajv, ajv.compile(inlined(schema, schema.definitions) as object));
}

/**
 * The schema with each `{ $ref: '#/definitions/x' }` replaced by the definition. ajv checks a referenced
 * definition in a function of its own and appends its errors with concat: with allErrors that is quadratic
 * in the failing entries (38,000 targets each missing `app`: two minutes). Inline, each error is one push.
 */
function inlined(node: unknown, definitions: Readonly<Record<string, unknown>>, within: readonly string[] = []): unknown {
  if (Array.isArray(node)) return node.map((item) => inlined(item, definitions, within));
  if (typeof node !== 'object' || node === null) return node;
  const entries = Object.entries(node);
  const ref = entries.length === 1 && entries[0]?.[0] === '$ref' ? /^#\/definitions\/([^/]+)$/.exec(String(entries[0][1]))?.[1] : undefined;
  if (ref !== undefined && Object.hasOwn(definitions, ref)) {
    // A definition that refers to itself stays a $ref (the root keeps its definitions for it).
    return within.includes(ref) ? node : inlined(definitions[ref], definitions, [...within, ref]);
  }
  return Object.fromEntries(entries.map(([key, value]) => [key, key === 'definitions' ? value : inlined(value, definitions, within)]));
}
