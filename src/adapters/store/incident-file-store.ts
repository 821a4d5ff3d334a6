// The embedded incident store: one JSON file per incident under .git/hotfix/incidents/, written
// atomically (FileStateStore: temp file, fsync, rename), with the version checked and bumped under
// an exclusive lock file so concurrent processes never lose an event. Every write of an incident
// happens under its lock, so whoever holds the lock removes the temporary files a killed writer left.

import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IncidentEvent } from '../../core/incident/events';
import type { IncidentStore, StoredIncident, StoreWrite } from '../../core/incident/ports';
import { FileStateStore } from './file-store';

interface IncidentDocument {
  readonly schema: 1;
  readonly id: string;
  readonly version: number;
  readonly events: readonly unknown[];
}

interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
  readonly at: string;
}

export interface FileIncidentStoreOptions {
  /** How long to wait for another process's lock before giving up (default 10 s). */
  readonly lockTimeoutMs?: number;
  /** A lock older than this is stale even if its pid is alive (a reused pid; default 2 min). */
  readonly staleLockMs?: number;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, just not ours
  }
}

export class FileIncidentStore implements IncidentStore {
  readonly location: string;
  private readonly files: FileStateStore;
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;

  constructor(
    private readonly dir: string,
    options: FileIncidentStoreOptions = {},
  ) {
    this.location = dir;
    this.files = new FileStateStore(dir);
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.staleLockMs = options.staleLockMs ?? 120_000;
  }

  private check(id: string): string {
    if (!ID.test(id)) throw new Error(`invalid incident id: ${JSON.stringify(id)}`);
    return id;
  }

  async read(id: string): Promise<StoredIncident | undefined> {
    const file = path.join(this.dir, `${this.check(id)}.json`);
    let doc: Partial<IncidentDocument> | undefined;
    try {
      doc = await this.files.read<Partial<IncidentDocument>>(id);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      return { id, version: '0', events: [], unreadable: `${file} is not valid JSON (${error.message})` };
    }
    if (doc === undefined) return undefined;
    if (typeof doc !== 'object' || doc === null || doc.schema !== 1 || doc.id !== id || !Number.isInteger(doc.version) || !Array.isArray(doc.events)) {
      return { id, version: '0', events: [], unreadable: `${file} is not an incident document of schema 1 with id, version and events` };
    }
    return { id, version: String(doc.version), events: doc.events };
  }

  async list(): Promise<string[]> {
    return (await this.files.list('')).filter((id) => ID.test(id));
  }

  async create(id: string, events: readonly IncidentEvent[]): Promise<StoreWrite> {
    return this.locked(this.check(id), async () => {
      if ((await this.read(id)) !== undefined) return { ok: false, conflict: 'exists' };
      await this.save({ schema: 1, id, version: 1, events });
      return { ok: true, version: '1' };
    });
  }

  async append(id: string, expectedVersion: string, events: readonly IncidentEvent[]): Promise<StoreWrite> {
    return this.locked(this.check(id), async () => {
      // Re-read under the lock: the version the caller read may have moved since.
      const current = await this.read(id);
      if (!current) return { ok: false, conflict: 'missing' };
      if (current.unreadable !== undefined) throw new Error(current.unreadable);
      if (current.version !== expectedVersion) return { ok: false, conflict: 'moved' };
      const version = Number(current.version) + 1;
      await this.save({ schema: 1, id, version, events: [...current.events, ...events] });
      return { ok: true, version: String(version) };
    });
  }

  private async save(doc: IncidentDocument): Promise<void> {
    await this.files.write(doc.id, doc);
    // The rename is durable once the directory is flushed too (not possible on every platform).
    try {
      const handle = await open(this.dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // Windows cannot open a directory for fsync; the rename itself is still atomic there.
    }
  }

  /** Runs `work` holding `<id>.lock` (created with O_EXCL), breaking a lock whose process is gone. */
  private async locked<T>(id: string, work: () => Promise<T>): Promise<T> {
    const lock = path.join(this.dir, `${id}.lock`);
    const me: LockHolder = { pid: process.pid, host: os.hostname(), token: randomBytes(8).toString('hex'), at: new Date().toISOString() };
    const deadline = Date.now() + this.lockTimeoutMs;
    await mkdir(this.dir, { recursive: true });
    for (let attempt = 1; ; attempt++) {
      try {
        const handle = await open(lock, 'wx', 0o600);
        try {
          await handle.writeFile(JSON.stringify({ ...me, at: new Date().toISOString() }));
        } finally {
          await handle.close();
        }
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (await this.breakIfStale(lock)) continue;
      if (Date.now() > deadline) {
        const holder = await this.holder(lock);
        throw new Error(
          `${id} is locked by ${holder ? `pid ${holder.pid} on ${holder.host} since ${holder.at}` : 'another process'} (${lock}). If no hotfix-deployer is running, remove that file.`,
        );
      }
      await sleep(2 + randomInt(8 * Math.min(attempt, 5) + 1));
    }
    try {
      await this.files.removeTemporaries(id, 0);
      return await work();
    } finally {
      // Remove the lock only while it is still ours (it is never broken while our pid lives, short of a 2-minute hold).
      if ((await this.holder(lock))?.token === me.token) await rm(lock, { force: true });
    }
  }

  private async holder(lock: string): Promise<LockHolder | undefined> {
    try {
      const parsed = JSON.parse(await readFile(lock, 'utf8')) as Partial<LockHolder>;
      return typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string' ? (parsed as LockHolder) : undefined;
    } catch {
      return undefined; // gone, or being written this instant
    }
  }

  private async isStale(lock: string, holder: LockHolder | undefined): Promise<boolean> {
    let age: number;
    try {
      age = Date.now() - (await stat(lock)).mtimeMs;
    } catch {
      return false; // gone: not stale, just free
    }
    if (!holder) return age > 10_000; // unreadable for 10 s: its writer died between create and write
    if (holder.host === os.hostname() && !pidAlive(holder.pid)) return true;
    return age > this.staleLockMs;
  }

  /**
   * Removes a stale lock. Breakers take `<lock>.break` first and re-read the lock under it, so two
   * processes that both saw the same dead holder cannot remove a fresh lock taken in between: only
   * a breaker removes a dead holder's lock, and breakers take turns.
   */
  private async breakIfStale(lock: string): Promise<boolean> {
    const seen = await this.holder(lock);
    if (!(await this.isStale(lock, seen))) return false;
    const breaker = `${lock}.break`;
    try {
      const handle = await open(breaker, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, host: os.hostname() }));
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A breaker holds it for microseconds. One whose process is gone (killed right there) is removed
      // at once: waiting for it would outlast the lock timeout. One unreadable for 30 s died writing it.
      const owner = await readFile(breaker, 'utf8').then((t) => JSON.parse(t) as { pid?: unknown; host?: unknown }, () => undefined);
      const dead = typeof owner?.pid === 'number' && owner.host === os.hostname() && !pidAlive(owner.pid);
      const age = await stat(breaker).then((st) => Date.now() - st.mtimeMs, () => 0);
      if (dead || age > 30_000) await rm(breaker, { force: true });
      return false;
    }
    try {
      const again = await this.holder(lock);
      if (again?.token === seen?.token && (await this.isStale(lock, again))) await rm(lock, { force: true });
      return true;
    } finally {
      await rm(breaker, { force: true });
    }
  }
}
