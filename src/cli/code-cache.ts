// Requires the CLI's bundles with V8's code cache, so a run does not compile megabytes of JavaScript again:
// each bundle is compiled with vm.Script and the cachedData V8 made for the same bytes on an earlier run,
// at that run's exit, so it holds every function the run compiled. Not Node's own module.enableCompileCache
// (22.1+): that one is made as a module is compiled, so it holds the top level only, and the rest was
// compiled again on every run (Node 24 here, interleaved: status 136 ms with it, 124 with this; --version 49, 45).
// A cache that cannot be read or written (a read-only home, a full disk) only costs the compile: nothing is
// said, nothing fails.

import * as fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { crc32 } from 'node:zlib';

/** `require('./kube.js')` and the like: a bundle next to the one asking, loaded through the cache too. */
const SIBLING = /^\.\/[\w.-]+\.js$/;
/** A cache file not written for this long is dropped when the next one is written. */
const STALE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Where the CLI keeps what it can make again: $XDG_CACHE_HOME (else ~/.cache)/hotfix-deployer; undefined
 * when Node's own switch for its compile cache, NODE_DISABLE_COMPILE_CACHE, is set (one variable turns
 * off the code cache and the parsed configurations alike).
 */
export function cacheHome(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['NODE_DISABLE_COMPILE_CACHE']) return undefined;
  return path.join(env['XDG_CACHE_HOME']?.trim() || path.join(homedir(), '.cache'), 'hotfix-deployer');
}

/** Where the code cache lives: `v8` in the cache home. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const home = cacheHome(env);
  return home === undefined ? undefined : path.join(home, 'v8');
}

/** How each bundle was compiled: from a cache made for its bytes, or anew (none yet, or V8 refused it). */
export type Compiled = 'cached' | 'new' | 'refused';

type Wrapper = (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;

/**
 * Requires `file`, the entry bundle, and the bundles it requires by `./name.js`, and writes at exit the
 * cache of each one compiled anew; `dir` undefined: a plain require(). Returns the entry's exports.
 */
export function requireWithCodeCache(file: string, dir: string | undefined): unknown {
  if (dir === undefined) return createRequire(file)(file);
  const cache = new CodeCache(dir);
  // At exit V8 has compiled what the run used, so the cache holds those functions too, not the top level alone.
  process.once('exit', () => cache.save());
  return cache.require(file);
}

/** Bundles compiled with the cachedData kept in `dir`, one file per bundle's bytes. */
export class CodeCache {
  private readonly dir: string;
  private readonly unsaved: { readonly script: vm.Script; readonly bundle: string; readonly name: string }[] = [];
  /** Each bundle this loaded, in order, and how it was compiled. */
  readonly compiled: { readonly file: string; readonly how: Compiled }[] = [];

  /** `root`: the cache folder; each Node version and CPU gets its own folder in it. */
  constructor(root: string) {
    this.dir = path.join(root, `${process.version}-${process.arch}`);
  }

  /** Requires a CommonJS bundle as require() does (its module in require.cache, `this` its exports). */
  require(file: string): unknown {
    const real = createRequire(file);
    const known = real.cache[file];
    if (known) return known.exports;
    const bytes = fs.readFileSync(file);
    // One cache per installation (its folder), so two checkouts do not replace each other's; named by
    // content, not file times, so a rebuilt bundle of the same size never meets the old one's code.
    const bundle = `${path.basename(file, '.js')}-${crc32(path.dirname(file)).toString(16)}`;
    const name = `${bundle}-${crc32(bytes).toString(16)}-${bytes.length}`;
    const cachedData = readQuietly(path.join(this.dir, name));
    const script = new vm.Script(Module.wrap(bytes.toString('utf8')), {
      filename: file,
      ...(cachedData ? { cachedData } : {}),
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    const how: Compiled = !cachedData ? 'new' : script.cachedDataRejected === true ? 'refused' : 'cached';
    this.compiled.push({ file, how });
    if (how !== 'cached') this.unsaved.push({ script, bundle, name });

    const made = new Module(file);
    made.filename = file;
    real.cache[file] = made;
    const ownRequire: NodeJS.Require = Object.assign((id: string): unknown => (SIBLING.test(id) ? this.require(path.join(path.dirname(file), id)) : real(id)), {
      resolve: real.resolve,
      cache: real.cache,
      main: real.main,
      extensions: real.extensions,
    });
    try {
      (script.runInThisContext() as Wrapper).call(made.exports, made.exports, ownRequire, made, file, path.dirname(file));
    } catch (error) {
      // As require() does: a module that threw is not kept half-made.
      delete real.cache[file];
      throw error;
    }
    made.loaded = true;
    return made.exports;
  }

  /**
   * Writes the cache of each bundle compiled anew (a temporary file renamed) and drops its older ones,
   * and any cache not written for a month (a removed installation's; a live one is written again).
   */
  save(): void {
    if (this.unsaved.length === 0) return;
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const existing = fs.readdirSync(this.dir);
      const stale = Date.now() - STALE_MS;
      for (const old of existing) {
        const written = fs.statSync(path.join(this.dir, old), { throwIfNoEntry: false })?.mtimeMs;
        if (written !== undefined && written < stale) fs.rmSync(path.join(this.dir, old), { force: true });
      }
      for (const { script, bundle, name } of this.unsaved.splice(0)) {
        const target = path.join(this.dir, name);
        const temporary = `${target}.${process.pid}.tmp`;
        try {
          fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
          fs.renameSync(temporary, target);
        } finally {
          fs.rmSync(temporary, { force: true });
        }
        const older = new RegExp(`^${bundle.replace(/\./g, '\\.')}-[0-9a-f]+-\\d+$`);
        for (const old of existing) if (old !== name && older.test(old)) fs.rmSync(path.join(this.dir, old), { force: true });
      }
    } catch {
      // Unwritable: the next run compiles again, as it would without a cache.
    }
  }
}

function readQuietly(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}
