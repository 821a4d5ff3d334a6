// Configurations a CLI run has parsed, kept by their text: the next run that finds the same bytes in
// .hotfix/config.yaml skips yaml, the schema check and the loading of both (dist/config.js), ~20 ms of a
// rollback (issue #20). Only a configuration that passed is kept, as JSON that reads back exactly as it
// was; a file with problems is parsed every time, so its messages are always the parser's. A cache that
// cannot be read or written (a read-only home, a full disk) only costs the parse: nothing is said.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HotfixConfigFile } from '../core/config/types';

/** A kept result written this long ago is dropped when the next one is written (one in use is written again). */
const STALE_MS = 30 * 24 * 60 * 60 * 1000;

export class ParsedConfigCache {
  /**
   * `dir`: the folder of the kept results (made 0700 on the first write). `parser` identifies the parser
   * (its bundle's size and time), so a result of another build is never read.
   */
  constructor(
    readonly dir: string,
    private readonly parser: string,
  ) {}

  /** The configuration parsed from the same text by the same parser, or undefined. */
  read(text: string): HotfixConfigFile | undefined {
    try {
      const value: unknown = JSON.parse(fs.readFileSync(this.file(text), 'utf8'));
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** Keeps a configuration that passed, when JSON holds it exactly (no ±Infinity or NaN, no `__proto__` key). */
  keep(text: string, config: HotfixConfigFile): void {
    let exact = true;
    const json = JSON.stringify(config, (name, value: unknown) => {
      if (name === '__proto__' || (typeof value === 'number' && !Number.isFinite(value))) exact = false;
      return value;
    });
    if (!exact) return;
    const target = this.file(text);
    const temporary = `${target}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const stale = Date.now() - STALE_MS;
      for (const old of fs.readdirSync(this.dir)) {
        const written = fs.statSync(path.join(this.dir, old), { throwIfNoEntry: false })?.mtimeMs;
        if (written !== undefined && written < stale) fs.rmSync(path.join(this.dir, old), { force: true });
      }
      fs.writeFileSync(temporary, json, { mode: 0o600 });
      fs.renameSync(temporary, target);
    } catch {
      // Unwritable: the next run parses again, as it would without a cache.
      fs.rm(temporary, { force: true }, () => undefined);
    }
  }

  private file(text: string): string {
    return path.join(this.dir, `${createHash('sha256').update(this.parser).update('\0').update(text).digest('hex')}.json`);
  }
}
