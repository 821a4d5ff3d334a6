// The CLI's kept parses of .hotfix/config.yaml (src/adapters/config-cache.ts), on real files in a
// temporary folder: the same text read twice is parsed once, an edit or another parser build is parsed
// again, a file with problems is never kept, and a cache it cannot use only costs the parse.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ParsedConfigCache } from '../../src/adapters/config-cache';
import { readConfigFile } from '../../src/adapters/config-file';

describe('config cache: a configuration parsed once per text (real files)', () => {
  let dir = '';
  let repo = '';
  const write = (text: string) => writeFileSync(path.join(repo, '.hotfix', 'config.yaml'), text);
  const kept = () => readdirSync(path.join(dir, 'cache')).filter((f) => f.endsWith('.json'));

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hotfix-config-cache-'));
    repo = path.join(dir, 'repo');
    mkdirSync(path.join(repo, '.hotfix'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a configuration that passed and reads it back equal, for that text and parser only', async () => {
    const cache = new ParsedConfigCache(path.join(dir, 'cache'), 'build-1');
    write('targets:\n  prod:\n    namespace: shop\n    app: api\n    strategy: rolling\n');
    const first = await readConfigFile(repo, cache);
    assert.ok(first.ok);
    assert.equal(kept().length, 1);
    assert.equal(statSync(path.join(dir, 'cache')).mode & 0o777, 0o700);
    assert.deepEqual(cache.read('targets:\n  prod:\n    namespace: shop\n    app: api\n    strategy: rolling\n'), first.value);
    assert.deepEqual(await readConfigFile(repo, cache), first);

    // Another build's parser, or another text, never sees it.
    assert.equal(new ParsedConfigCache(path.join(dir, 'cache'), 'build-2').read('targets:\n  prod:\n    namespace: shop\n    app: api\n    strategy: rolling\n'), undefined);
    write('targets:\n  prod:\n    namespace: shop\n    app: web\n    strategy: rolling\n');
    const edited = await readConfigFile(repo, cache);
    assert.ok(edited.ok);
    assert.equal(edited.value.targets?.['prod']?.app, 'web');
    assert.equal(kept().length, 2);
  });

  it('never keeps a file with problems: the parser says what is wrong every time', async () => {
    const cache = new ParsedConfigCache(path.join(dir, 'cache'), 'build-1');
    write('targets:\n  prod:\n    namespace: shop\n    strategy: sideways\n');
    for (let i = 0; i < 2; i++) {
      const read = await readConfigFile(repo, cache);
      assert.equal(read.ok, false);
      assert.match(read.ok ? '' : read.reason, /config\.yaml:\d+:\d+.*strategy/s);
    }
    assert.deepEqual(readdirSync(dir).includes('cache') ? kept() : [], []);
  });

  it('keeps nothing JSON would change (an infinite number), and parses again', () => {
    const cache = new ParsedConfigCache(path.join(dir, 'cache'), 'build-1');
    cache.keep('x', { verify: { healthTimeoutSeconds: Infinity } } as never);
    assert.equal(cache.read('x'), undefined);
  });

  it('reads a damaged or foreign entry as none, and an unwritable folder costs only the parse', async () => {
    const cache = new ParsedConfigCache(path.join(dir, 'cache'), 'build-1');
    write('targets: {}\n');
    assert.ok((await readConfigFile(repo, cache)).ok);
    const [entry = ''] = kept();
    for (const damaged of ['{"targets": {', '[1, 2]', 'null']) {
      writeFileSync(path.join(dir, 'cache', entry), damaged);
      assert.equal(cache.read('targets: {}\n'), undefined, damaged);
      assert.ok((await readConfigFile(repo, cache)).ok);
    }
    // A file where the folder would be: nothing can be written there, by root either.
    writeFileSync(path.join(dir, 'blocked'), '');
    const blocked = new ParsedConfigCache(path.join(dir, 'blocked', 'cache'), 'build-1');
    const read = await readConfigFile(repo, blocked);
    assert.ok(read.ok);
    assert.deepEqual(read.value, { targets: {} });
    assert.equal(blocked.read('targets: {}\n'), undefined);
  });
});
