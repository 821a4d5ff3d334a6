// State and audit kept under the repository's git directory (`.git/hotfix/`), out of the work tree.
// Documents are written to a temporary file, flushed and renamed, so a crash leaves the old or the
// new version, never half of one.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { StateStore } from '../../core/ports';

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
