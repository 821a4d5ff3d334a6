// The CLI's bundles through V8's code cache (src/cli/code-cache.ts): loaded as require() loads them, the
// cache written for their bytes and taken on the next run, and any cache trouble only costs the compile.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CodeCache, codeCacheDir } from '../../src/cli/code-cache';

describe('CLI: bundles through the V8 code cache', () => {
  let dir: string;
  let dist: string;
  let root: string;
  let entry: string;
  let chunk: string;

  /** Two bundles as esbuild writes them: the entry requires its chunk by ./name.js, and a built-in. */
  const write = (chunkValue: string): void => {
    writeFileSync(entry, "'use strict';\nconst path = require('node:path');\nconst chunk = require('./chunk.js');\nmodule.exports = { sep: path.sep, chunk, self: this === module.exports, file: __filename };\n");
    writeFileSync(chunk, `'use strict';\nexports.value = ${JSON.stringify(chunkValue)};\nexports.twice = () => require('./chunk.js') === exports;\n`);
  };
  /** A fresh process's view: nothing of the bundles in require.cache. */
  const forget = (): void => {
    delete require.cache[entry];
    delete require.cache[chunk];
  };
  const cacheFiles = (): string[] => readdirSync(root).flatMap((folder) => readdirSync(path.join(root, folder))).sort();

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hotfix-code-cache-'));
    dist = path.join(dir, 'dist');
    root = path.join(dir, 'cache');
    mkdirSync(dist);
    entry = path.join(dist, 'entry.js');
    chunk = path.join(dist, 'chunk.js');
    write('one');
  });
  afterEach(() => {
    forget();
    rmSync(dir, { recursive: true, force: true });
  });

  it('requires a bundle and its sibling bundles as require() does, once each, in require.cache', () => {
    const cache = new CodeCache(root);
    const loaded = cache.require(entry) as { sep: string; chunk: { value: string; twice: () => boolean }; self: boolean; file: string };
    assert.equal(loaded.sep, path.sep);
    assert.equal(loaded.chunk.value, 'one');
    assert.equal(loaded.self, true, 'this is module.exports at the top level');
    assert.equal(loaded.file, entry);
    assert.equal(loaded.chunk.twice(), true, 'a second require of the chunk is the same module');
    assert.equal(cache.require(entry), loaded);
    assert.equal(require.cache[chunk]?.exports, loaded.chunk);
    assert.deepEqual(cache.compiled, [{ file: entry, how: 'new' }, { file: chunk, how: 'new' }]);
  });

  /** One CLI run, in a process of its own (V8 keeps what it compiled in memory: a second load here proves nothing). */
  const run = (): { how: string[]; value: string } => {
    const script = `const { CodeCache } = require(${JSON.stringify(require.resolve('../../src/cli/code-cache'))});
      const cache = new CodeCache(${JSON.stringify(root)});
      const loaded = cache.require(${JSON.stringify(entry)});
      cache.save();
      process.stdout.write(JSON.stringify({ how: cache.compiled.map((c) => c.how), value: loaded.chunk.value }));`;
    return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { how: string[]; value: string };
  };

  it('writes one cache per bundle, takes it on the next run, and replaces it when the bundle changes', () => {
    assert.deepEqual(run(), { how: ['new', 'new'], value: 'one' });
    assert.equal(cacheFiles().length, 2);
    assert.deepEqual(run(), { how: ['cached', 'cached'], value: 'one' });
    write('two'); // the same length, other bytes
    assert.deepEqual(run(), { how: ['cached', 'new'], value: 'two' });
    assert.equal(cacheFiles().length, 2, "the chunk's older cache is dropped");
    assert.deepEqual(run(), { how: ['cached', 'cached'], value: 'two' });
  });

  it('keeps one cache per installation: another checkout of the same bundle does not replace it', () => {
    run();
    const other = path.join(dir, 'other');
    mkdirSync(other);
    writeFileSync(path.join(other, 'entry.js'), "'use strict';\nmodule.exports = { chunk: require('./chunk.js') };\n");
    writeFileSync(path.join(other, 'chunk.js'), "'use strict';\nexports.value = 'other';\n");
    const script = `const { CodeCache } = require(${JSON.stringify(require.resolve('../../src/cli/code-cache'))});
      const cache = new CodeCache(${JSON.stringify(root)});
      cache.require(${JSON.stringify(path.join(other, 'entry.js'))});
      cache.save();`;
    execFileSync(process.execPath, ['-e', script]);
    assert.equal(cacheFiles().length, 4);
    assert.deepEqual(run(), { how: ['cached', 'cached'], value: 'one' });
  });

  it('drops a cache not written for a month when it writes one', () => {
    run();
    const [folder = ''] = readdirSync(root);
    const old = path.join(root, folder, 'gone-0-0-1');
    writeFileSync(old, 'a removed installation');
    const month = new Date(Date.now() - 31 * 24 * 60 * 60 * 1000);
    utimesSync(old, month, month);
    write('two');
    run();
    assert.equal(existsSync(old), false);
    assert.equal(cacheFiles().length, 2);
  });

  it('compiles anew over a damaged cache, and rewrites it', () => {
    run();
    const [folder = ''] = readdirSync(root);
    for (const file of cacheFiles()) writeFileSync(path.join(root, folder, file), 'not a code cache');
    assert.deepEqual(run(), { how: ['refused', 'refused'], value: 'one' });
    assert.deepEqual(run(), { how: ['cached', 'cached'], value: 'one' });
  });

  it('runs without a word when the cache cannot be written', () => {
    writeFileSync(root, 'a file where the cache folder would be');
    const cache = new CodeCache(root);
    assert.equal((cache.require(entry) as { chunk: { value: string } }).chunk.value, 'one');
    assert.doesNotThrow(() => cache.save());
  });

  it('a bundle that throws is not kept in require.cache', () => {
    writeFileSync(chunk, "throw new Error('broken chunk');\n");
    assert.throws(() => new CodeCache(root).require(entry), /broken chunk/);
    assert.equal(require.cache[chunk], undefined);
    assert.equal(require.cache[entry], undefined);
  });

  it('lives under XDG_CACHE_HOME, else ~/.cache, and NODE_DISABLE_COMPILE_CACHE turns it off', () => {
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/x/cache' }), path.join('/x/cache', 'hotfix-deployer', 'v8'));
    assert.match(codeCacheDir({}) ?? '', /[/\\]\.cache[/\\]hotfix-deployer[/\\]v8$/);
    assert.equal(codeCacheDir({ NODE_DISABLE_COMPILE_CACHE: '1' }), undefined);
  });
});
