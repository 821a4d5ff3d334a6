// State and audit kept under the repository's git directory (`.git/hotfix/`), out of the work tree.
// Documents are written to a temporary file, flushed and renamed, so a crash leaves the old or the
// new version, never half of one; the temporary files a crash leaves are removed by later writes.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { StateStore } from '../../core/ports';

/** A write takes milliseconds; a temporary file this old belongs to a process that died mid-write. */
const STALE_TEMPORARY_MS = 60_000;

export class FileStateStore implements StateStore {
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    if (key.split('/').some((part) => part === '' || part === '.' || part === '..')) {
      throw new Error(`invalid state key: ${key}`);
    }
    return path.join(this.dir, `${key}.json`);
  }

  async read<T>(key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.file(key), 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw error;
    }
  }

  async write(key: string, value: unknown): Promise<void> {
    const target = this.file(key);
    await mkdir(path.dirname(target), { recursive: true });
    // Unlocked writers of the same key may be mid-write: only a temporary file too old to be anyone's goes.
    await this.removeTemporaries(key, STALE_TEMPORARY_MS);
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  }

  /**
   * Removes the temporary files of `key` that a writer killed between creating and renaming one left
   * behind, when older than `olderThanMs`. A caller that holds a lock every writer of the key takes
   * passes 0: no temporary file of that key can then belong to a live write.
   */
  async removeTemporaries(key: string, olderThanMs: number): Promise<void> {
    const target = this.file(key);
    const prefix = `${path.basename(target)}.`;
    let names: string[];
    try {
      names = await readdir(path.dirname(target));
    } catch {
      return; // no folder yet: nothing to clean
    }
    for (const name of names.filter((n) => n.startsWith(prefix) && /^[0-9a-f]{12}\.tmp$/.test(n.slice(prefix.length)))) {
      const file = path.join(path.dirname(target), name);
      try {
        if (olderThanMs > 0 && Date.now() - (await stat(file)).mtimeMs < olderThanMs) continue;
        await rm(file, { force: true });
      } catch {
        // Gone meanwhile, or not ours to remove: cleaning is a courtesy, never a reason to fail a write.
      }
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const dir = path.join(this.dir, prefix);
    try {
      return (await readdir(dir)).filter((name) => name.endsWith('.json')).map((name) => `${prefix}${name.slice(0, -'.json'.length)}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return [];
      }
      throw error;
    }
  }
}

/** The audit log: hash-chained JSON Lines, appended under a lock (audit-file.ts); kept under its old name for callers. */
export { ChainedFileAuditLog as FileAuditLog } from './audit-file';
