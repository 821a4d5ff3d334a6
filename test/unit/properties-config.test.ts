// Property-based tests of the config parser: whatever text a repository holds, parseConfig answers with a
// Result (never an exception, a warning on the process, or circular data), and a refusal names the file.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import schema from '../../schemas/config.schema.json';
import { parseConfig } from '../../src/core/config/parse';
import type { HotfixConfigFile } from '../../src/core/config/types';
import type { Result } from '../../src/core/result';
import { propertyRuns } from './properties';

const FILE = '.hotfix/config.yaml';

/** Every property name the schema knows, so random mappings reach deep into the validation. */
function schemaKeys(): string[] {
  const keys = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
        if (key === 'properties' && value !== null && typeof value === 'object') Object.keys(value).forEach((k) => keys.add(k));
        walk(value);
      }
    }
  };
  walk(schema);
  return [...keys];
}

const KEYS = [...schemaKeys(), 'production', 'staging', '__proto__', 'constructor', 'toString', '', ' ', '1', 'a.b', 'a/b', '~'];
const SCALARS = fc.oneof(
  fc.constantFrom('gitflow', 'trunk', 'rolling', 'canary', 'blue-green', 'cluster', 'file', '5m', '1h', '30s', 'https://tracker.example/browse/{issue}', 'http://prom:9090', 'app="web"', 'v', 'checkout', 'payments', 'PROD-1', '{{selector}}', 'error-rate', 'latency', 'promql', ''),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
/** Config-shaped values: mappings keyed by the schema's names, lists, and scalars of the kinds it expects. */
const { value: CONFIG_VALUE } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    SCALARS,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 }),
  ),
}));
const CONFIG_DOCUMENT = fc.dictionary(fc.constantFrom(...KEYS), CONFIG_VALUE, { maxKeys: 6 });

/** Pieces of YAML syntax, joined at random: anchors, aliases, tags, flow and block collections, directives. */
const TOKENS = [
  '\n', '\n', '  ', ' ', '\t', '- ', ': ', ':', '? ', '&a ', '*a', '&b ', '*b', '!!str ', '!!map ', '!!seq ', '!!binary ', '!!set ',
  '!!omap ', '!env ', '!!int ', '!!float ', '{', '}', '[', ']', ', ', '"', "'", '\\', '# c', '|', '|-', '>', '---', '...',
  '%YAML 1.1\n', '%TAG ! tag:x:\n', '<<: ', '~', 'null', 'true', 'yes', '0x1F', '1e999', '.nan', '-.inf', '2024-01-01',
  'version', 'git', 'model', 'gitflow', 'targets', 'prod', 'namespace', 'app', 'verify', 'metrics', 'name', 'max', '__proto__',
  '\u0000', '\uFEFF', '\u2028', 'é', '😀', '\uD800', 'x',
];
const YAML_SOUP = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((parts) => parts.join(''));

/** What every answer must look like, accepted or refused. */
function assertWellFormed(result: Result<HotfixConfigFile>): void {
  if (result.ok) {
    assert.doesNotThrow(() => JSON.stringify(result.value), 'accepted data must be plain data (no cycles)');
    return;
  }
  assert.equal(typeof result.reason, 'string');
  for (const line of result.reason.split('\n')) {
    assert.ok(line.startsWith(FILE) || /^… and [\d,]+ more problems$/.test(line), `a problem line that does not name the file: ${JSON.stringify(line)}`);
  }
  assert.doesNotMatch(`${result.reason}\n${result.hint ?? ''}`, /^ {4}at /m);
}

describe('properties: parseConfig on any text', function () {
  this.timeout(60_000);
  let warnings: string[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning.message);
  };
  beforeEach(() => {
    warnings = [];
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });

  const check = (text: string): void => {
    assertWellFormed(parseConfig(text, FILE));
  };

  it('answers any string with a Result', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), check), propertyRuns(300));
  });

  it('answers YAML syntax soup (anchors, aliases, tags, flow and block collections) with a Result', () => {
    fc.assert(fc.property(YAML_SOUP, check), propertyRuns(500));
  });

  it('answers config-shaped documents, as YAML and as JSON, with a Result', () => {
    fc.assert(
      fc.property(CONFIG_DOCUMENT, fc.boolean(), (document, asJson) => {
        check(asJson ? JSON.stringify(document, null, 2) : stringify(document));
      }),
      propertyRuns(300),
    );
  });

  it('reads back what it accepts: a document it took, written out again, is taken again with the same data', () => {
    fc.assert(
      fc.property(CONFIG_DOCUMENT, (document) => {
        const first = parseConfig(stringify(document), FILE);
        if (!first.ok) return;
        assert.deepEqual(parseConfig(stringify(first.value), FILE), first);
      }),
      propertyRuns(200),
    );
  });

  it('prints nothing on the process while doing so (no yaml library warnings)', async () => {
    fc.assert(fc.property(YAML_SOUP, check), propertyRuns(300));
    // Keys that are not text: the library would warn as it stringifies them.
    parseConfig('? [a, b]\n: 1\n!!binary aGk=: 2\n', FILE);
    await new Promise((resolve) => setImmediate(resolve)); // process warnings are emitted on the next tick
    assert.deepEqual(warnings, []);
  });
});
