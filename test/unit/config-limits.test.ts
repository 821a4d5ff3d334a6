// The limits that keep reading .hotfix/config.yaml linear and bounded: the size cap, duplicate keys found
// without the yaml library's quadratic check, one value's length, nesting depth, and a long list of problems.
// Speed itself is measured by `npm run bench -- --only=config`, not asserted here.
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/core/config/parse';
import type { HotfixConfigFile } from '../../src/core/config/types';
import type { Result } from '../../src/core/result';

const FILE = '.hotfix/config.yaml';
const MIB = 1024 * 1024;

function reason(result: Result<HotfixConfigFile>): string {
  assert.equal(result.ok, false, 'expected the file to be refused');
  return result.ok ? '' : result.reason;
}

/** `targets:` with `count` valid targets, three lines each; target i's key is on line 2 + 3i. */
function targets(count: number): string[] {
  const lines = ['targets:'];
  for (let i = 0; i < count; i++) lines.push(`  t${i}:`, `    namespace: ns${i}`, `    app: app${i}`);
  return lines;
}

describe('team configuration: size and shape limits', function () {
  // Generous guard for a loaded CI machine; the figures live in the benchmark.
  this.timeout(30_000);

  it('refuses text over 1 MiB before parsing it, with its size and the limit', () => {
    const text = `# ${'x'.repeat(1.5 * MIB)}\n`;
    const result = parseConfig(text, FILE);
    assert.match(reason(result), /^\.hotfix\/config\.yaml is 1\.5 MiB \(1,572,867 bytes\); the limit is 1 MiB/);
    assert.match(result.ok ? '' : (result.hint ?? ''), /under 1 MiB/);
  });

  it('counts the bytes the file holds (UTF-8), not the characters', () => {
    const text = `# ${'é'.repeat(600_000)}\n`;
    assert.ok(text.length < MIB);
    assert.match(reason(parseConfig(text, FILE)), /is 1\.1 MiB \(1,200,003 bytes\); the limit is 1 MiB/);
  });

  it('takes a file of exactly 1 MiB', () => {
    const line = `# ${'x'.repeat(1021)}\n`; // 1 KiB
    assert.deepEqual(parseConfig(line.repeat(1024), FILE), { ok: true, value: {} });
  });

  it('still finds a duplicate key among 16,000 targets, at file:line:col', () => {
    const lines = targets(16_000);
    lines.push('  t7:', '    namespace: again', '    app: again');
    assert.deepEqual(reason(parseConfig(lines.join('\n'), FILE)).split('\n'), [`${FILE}:48002:3: YAML syntax: the key t7 appears twice in the same mapping; keep one`]);
  });

  it('finds duplicates in every mapping, block or flow, and keys that name the same property', () => {
    const text = [
      'targets:',
      '  a: {namespace: x, app: y, namespace: z}',
      '  b:',
      '    namespace: x',
      '    app: y',
      '    app: z',
      '  1: {namespace: x, app: y}',
      '  "1": {namespace: x, app: y}',
      '',
    ].join('\n');
    assert.deepEqual(reason(parseConfig(text, FILE)).split('\n'), [
      `${FILE}:2:29: YAML syntax: the key namespace appears twice in the same mapping; keep one`,
      `${FILE}:6:5: YAML syntax: the key app appears twice in the same mapping; keep one`,
      `${FILE}:8:3: YAML syntax: the key 1 appears twice in the same mapping; keep one`,
    ]);
    // The same key in different mappings is no duplicate.
    assert.equal(parseConfig('targets:\n  a: {namespace: x, app: y}\n  b: {namespace: x, app: y}\n', FILE).ok, true);
  });

  it('refuses a single value longer than 16 KiB, at the value', () => {
    const text = `issueTracker:\n  urlTemplate: "https://t.example/${'{issue}'.repeat(3000)} "\n`;
    assert.deepEqual(reason(parseConfig(text, FILE)).split('\n'), [`${FILE}:2:16: a value of 21,019 characters; the limit for one value is 16,384`]);
  });

  it('quotes at most 100 characters of a value it refuses', () => {
    const text = `git:\n  model: ${'x'.repeat(10_000)}\n`;
    assert.deepEqual(reason(parseConfig(text, FILE)).split('\n'), [`${FILE}:2:10: git.model: must be one of gitflow, trunk (found "${'x'.repeat(100)}"… (10,000 characters))`]);
  });

  it('refuses a list, mapping or binary value as a key, which would be read as its printed form', () => {
    assert.deepEqual(reason(parseConfig('? [a, b]\n: 1\n', FILE)).split('\n'), [`${FILE}:1:3: a key must be plain text, not a list, mapping or binary value`]);
    assert.deepEqual(reason(parseConfig('!!binary aGk=: 1\n', FILE)).split('\n'), [`${FILE}:1:10: a key must be plain text, not a list, mapping or binary value`]);
  });

  it('refuses nesting deeper than 64 levels', () => {
    const text = `version: ${'['.repeat(100)}${']'.repeat(100)}\n`;
    assert.deepEqual(reason(parseConfig(text, FILE)).split('\n'), [`${FILE}:1:73: nested more than 64 levels deep; the configuration has only a few levels`]);
  });

  it('checks aliases in one pass: a missing anchor after hundreds of aliases, an alias inside its anchor, too many', () => {
    const pairs = (count: number): string[] => ['version:', ...Array.from({ length: count }, (_, i) => [`  a${i}: &a${i} 1`, `  b${i}: *a${i}`]).flat()];
    assert.deepEqual(reason(parseConfig([...pairs(900), '  z: *nowhere'].join('\n'), FILE)).split('\n'), [`${FILE}:1802:6: alias *nowhere has no anchor &nowhere before it`]);
    assert.deepEqual(reason(parseConfig('version: &a [1, *a]\n', FILE)).split('\n'), [`${FILE}:1:17: alias *a is inside the node &a it repeats`]);
    assert.deepEqual(reason(parseConfig(pairs(5_000).join('\n'), FILE)).split('\n'), [`${FILE}:2003:10: more than 1,000 aliases (*name); repeat fewer blocks, or write them out`]);
  });

  it('lists the first 100 problems of a long list and counts the rest', () => {
    const lines = ['targets:'];
    for (let i = 0; i < 8_000; i++) lines.push(`  t${i}: {namespace: 1, app: x}`);
    const result = parseConfig(lines.join('\n'), FILE);
    const listed = reason(result).split('\n');
    assert.equal(listed.length, 101);
    assert.equal(listed[0], `${FILE}:2:19: targets.t0.namespace: must be a string (found 1; put it in quotes if it is meant as text)`);
    assert.equal(listed[100], '… and 7,900 more problems');
    assert.match(result.ok ? '' : (result.hint ?? ''), /Fix these 8,000 problems/);
  });
});
