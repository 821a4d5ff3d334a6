// The audit log as a hash-chained JSON Lines file (format in src/core/audit/chain.ts). Several
// processes may append at once (the CLI in a terminal, the extension), so each append takes an
// exclusive lock file, chains from the file's last record (reading only the tail), writes one whole
// line and fsyncs before it returns.
//
// A torn last line (a crash mid-append) is never rewritten or dropped: the next append first ends it
// with a newline, so it stays in the file as its own line, and chains from the last complete record
// before it. `audit verify` keeps reporting the fragment as torn; deleting that one line by hand
// leaves an intact chain. A last line that is a whole record missing only its newline is ended and
// chained from, since nothing of it was lost.

import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { anchorIn, chainLine, GENESIS, lineHash, parseLine, type ChainAnchor } from '../../core/audit/chain';
import type { AuditLog, AuditRecord } from '../../core/ports';
import { redactingAuditLog } from '../../core/secrets/redacting-ports';
import { secretRedactor, type NotifyEnv } from '../notify/secret-env';

export interface ChainedAuditLogOptions {
  /** Recorded as `osUser` when a record has none; default: the account running this process. */
  readonly osUser?: string;
  /** Give up waiting for the lock after this long (default 15 s: longer than staleMs). */
  readonly lockTimeoutMs?: number;
  /** A lock older than this is taken over (default 10 s; an append holds it for milliseconds). */
  readonly staleLockMs?: number;
}

export class ChainedFileAuditLog implements AuditLog {
  private readonly osUser: string | undefined;
  /** Appends from this process go one at a time; the lock file orders them against other processes. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly options: ChainedAuditLogOptions = {},
  ) {
    this.osUser = options.osUser ?? currentOsUser();
  }

  append(record: AuditRecord): Promise<void> {
    const done = this.queue.then(() => this.appendLocked(record));
    this.queue = done.catch(() => undefined);
    return done;
  }

  private async appendLocked(record: AuditRecord): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const release = await acquireLock(`${this.file}.lock`, this.options.lockTimeoutMs ?? 15_000, this.options.staleLockMs ?? 10_000);
    try {
      await removeAbandonedAsides(`${this.file}.lock`);
      const handle = await open(this.file, 'a+', 0o600);
      try {
        const { anchor, terminated } = await readTail(handle);
        const { at, actor, osUser, ...rest } = record;
        const who = osUser ?? this.osUser;
        const { line } = chainLine({ at, actor, ...(who !== undefined ? { osUser: who } : {}), ...rest }, anchor);
        // One write of the whole line (after a newline that ends a torn line), then to the disk.
        await handle.appendFile(`${terminated ? '' : '\n'}${line}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } finally {
      await release();
    }
  }
}

/** The log's text, or undefined when nothing was recorded yet. */
export async function readAuditLog(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const TAIL_BYTES = 64 * 1024;

/**
 * Where the next record chains from, reading the file backwards from its end (64 KiB, then 4x more
 * each round) until a chained record turns up; the whole file only when none does (a log of legacy
 * records, before its first chained append).
 */
async function readTail(handle: FileHandle): Promise<{ anchor: ChainAnchor; terminated: boolean }> {
  const { size } = await handle.stat();
  if (size === 0) return { anchor: GENESIS, terminated: true };
  for (let window = TAIL_BYTES; ; window *= 4) {
    const start = Math.max(0, size - window);
    const bytes = Buffer.alloc(size - start);
    for (let got = 0; got < bytes.length; ) {
      const { bytesRead } = await handle.read(bytes, got, bytes.length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    // '\n' never occurs inside a UTF-8 sequence, so splitting the decoded text splits the bytes.
    const lines = bytes.toString('utf8').split('\n');
    const last = lines.pop() as string;
    const terminated = last === '';
    const firstIsWhole = start === 0;
    const lastIsWhole = firstIsWhole || lines.length > 0; // a newline precedes it
    if (!firstIsWhole) lines.shift(); // starts mid-line
    if (!terminated && lastIsWhole) {
      const parsed = parseLine(last);
      if (parsed.kind === 'chained' && parsed.well) {
        return { anchor: { seq: parsed.entry.seq as number, lineHash: lineHash(last) }, terminated };
      }
    }
    const anchor = anchorIn(lines);
    if (anchor) return { anchor, terminated };
    if (firstIsWhole) return { anchor: GENESIS, terminated };
  }
}

/**
 * Takes `lockFile` (created with O_EXCL), retrying with a short backoff. A lock is stale when its
 * holder on this host is no longer running, or when it is older than `staleMs` (a holder on another
 * host, a reused pid). Taking over a stale lock is a best effort: it matters only after a crash.
 */
async function acquireLock(lockFile: string, timeoutMs: number, staleMs: number): Promise<() => Promise<void>> {
  const token = `${process.pid} ${os.hostname()} ${randomBytes(8).toString('hex')}`;
  const deadline = Date.now() + timeoutMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 20)) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      try {
        await handle.writeFile(token);
      } finally {
        await handle.close();
      }
      return () => releaseLock(lockFile, token);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(lockFile);
    if (holder === undefined) continue; // released meanwhile
    if (isStale(holder, staleMs)) {
      await takeOver(lockFile, holder.content);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`the audit log is locked by ${holder.content || 'a process starting up'} (${lockFile}); if no hotfix-deployer is running, remove that file.`);
    }
    await sleep(delay + Math.floor(Math.random() * delay)); // jitter, so waiters do not retry in step
  }
}

interface Holder {
  readonly content: string;
  readonly ageMs: number;
}

async function readHolder(lockFile: string): Promise<Holder | undefined> {
  try {
    const [content, info] = await Promise.all([readFile(lockFile, 'utf8'), stat(lockFile)]);
    return { content, ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isStale(holder: Holder, staleMs: number): boolean {
  const [pid, host] = holder.content.split(' ');
  if (host === os.hostname() && pid !== undefined && /^\d+$/.test(pid) && !isRunning(Number(pid))) return true;
  return holder.ageMs > staleMs;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Moves the stale lock aside and removes it, putting it back if another waiter had already replaced it. */
async function takeOver(lockFile: string, staleContent: string): Promise<void> {
  const aside = `${lockFile}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(lockFile, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if ((await readFile(aside, 'utf8')) !== staleContent) {
    await link(aside, lockFile).catch(() => undefined);
  }
  await unlink(aside);
}

/**
 * A process killed inside takeOver leaves its `<lock>.<hex>.stale` file. Only one renamed a minute ago
 * goes (ctime: the rename, not the stale lock's own age): a waiter may be between its rename and its
 * unlink this instant, and a takeover takes microseconds.
 */
async function removeAbandonedAsides(lockFile: string): Promise<void> {
  const dir = path.dirname(lockFile);
  const prefix = `${path.basename(lockFile)}.`;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(prefix) && n.endsWith('.stale'))) {
    const file = path.join(dir, name);
    const age = await stat(file).then((s) => Date.now() - s.ctimeMs, () => 0);
    if (age > 60_000) await rm(file, { force: true }).catch(() => undefined);
  }
}

async function releaseLock(lockFile: string, token: string): Promise<void> {
  // Only our own lock: after a hang of more than staleMs it may belong to someone else now.
  if ((await readHolder(lockFile))?.content === token) {
    await unlink(lockFile).catch(() => undefined);
  }
}

function currentOsUser(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment is the best we have.
    return process.env.USER ?? process.env.USERNAME ?? process.env.LOGNAME;
  }
}

/**
 * The repository's audit log as every operation opens it: secrets of the environment's notification
 * channels are redacted from a record before it is chained, since a chained line can never be mended.
 */
export function auditLogAt(file: string, env: NotifyEnv = process.env): AuditLog {
  return redactingAuditLog(new ChainedFileAuditLog(file), secretRedactor(env));
}
