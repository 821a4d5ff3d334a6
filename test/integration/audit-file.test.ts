// The chained audit file on a real file system: appends verify, two processes appending at once keep
// one chain, a crash's torn line stays visible, and the built CLI verifies and exports the log.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { ChainedFileAuditLog } from '../../src/adapters/store/audit-file';
import { chainLine, GENESIS, verifyChain, type AuditEntry, type ChainAnchor } from '../../src/core/audit';
import type { AuditRecord } from '../../src/core/ports';
import { createGitFixture, type GitFixture } from './fixtures/git';
import { gitflowRepo } from './fixtures/repos';

const ADAPTER = path.resolve(__dirname, '../../src/adapters/store/audit-file.js');
const CLI = path.resolve(__dirname, '../../../dist/cli.js');

const record = (i: number, extra: Partial<AuditRecord> = {}): AuditRecord => ({ at: new Date(Date.UTC(2026, 2, 1, 10, i)).toISOString(), actor: 'Ada Oncall <ada@example.com>', action: 'hotfix.finish.merge', subject: `step-${i}`, details: { step: i }, ...extra });
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').slice(0, -1);
const entries = (file: string) => lines(file).map((line) => JSON.parse(line) as AuditEntry);

function report(file: string) {
  const result = verifyChain(readFileSync(file, 'utf8'));
  return result.ok ? { ok: true, records: result.records } : { ok: false, line: result.line, kind: result.kind };
}

describe('audit log file (ChainedFileAuditLog, real files)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hotfix-audit-'));
    file = path.join(dir, 'hotfix', 'audit.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends chained records with the OS user, from concurrent calls in one process, and they verify', async () => {
    const log = new ChainedFileAuditLog(file, { osUser: 'ada' });
    await log.append(record(1));
    await log.append(record(2, { osUser: 'root' }));
    await Promise.all(Array.from({ length: 20 }, (_, i) => log.append(record(10 + i))));
    assert.deepEqual(report(file), { ok: true, records: 22 });
    const stored = entries(file);
    assert.deepEqual(stored.map((e) => e.seq), Array.from({ length: 22 }, (_, i) => i + 1));
    assert.deepEqual([stored[0]?.osUser, stored[1]?.osUser], ['ada', 'root']);
    assert.deepEqual(Object.keys(stored[0] as object), ['seq', 'at', 'actor', 'osUser', 'action', 'subject', 'details', 'prev', 'hash']);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(existsSync(`${file}.lock`), false, 'the lock is released');
  });

  it('appends after unchained lines (which verify refuses), and reads only the tail of a large log, past a line longer than the tail', async () => {
    mkdirSync(path.dirname(file), { recursive: true });
    const unchained = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ ...record(i), details: { pad: 'x'.repeat(60) } }));
    writeFileSync(file, `${unchained.join('\n')}\n`);
    const log = new ChainedFileAuditLog(file, { osUser: 'ada' });
    await log.append(record(1)); // no chained line in the tail: reads back to the start, begins at seq 1
    await log.append(record(2, { details: { big: 'y'.repeat(200_000) } }));
    await log.append(record(3));
    assert.deepEqual(report(file), { ok: false, line: 1, kind: 'unchained' });
    assert.deepEqual(verifyChain(lines(file).slice(2000).map((line) => `${line}\n`).join('')).ok, true, 'the appended records chain from seq 1');

    // 3,000 chained lines (~1 MB) written directly, then appends that must chain from the last one.
    let anchor: ChainAnchor = GENESIS;
    const chained = Array.from({ length: 3000 }, (_, i) => {
      const next = chainLine({ ...record(i), details: { pad: 'z'.repeat(200) } }, anchor);
      anchor = next.anchor;
      return next.line;
    });
    writeFileSync(file, `${chained.join('\n')}\n`);
    await log.append(record(4));
    assert.deepEqual(report(file), { ok: true, records: 3001 });
  });

  it('keeps one intact chain when two processes append 200 records each at the same time', async function () {
    this.timeout(60_000);
    const script = `
      const { ChainedFileAuditLog } = require(${JSON.stringify(ADAPTER)});
      const [file, name, start] = process.argv.slice(1);
      const log = new ChainedFileAuditLog(file);
      // A few ms between appends, as real callers do: without it one writer would re-take the lock
      // at once every time and the other would only get in at the end.
      const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
      setTimeout(async () => {
        for (let i = 0; i < 200; i++) {
          await log.append({ at: new Date().toISOString(), actor: name, action: 'test.append', subject: name + '-' + i, details: { i, pid: process.pid } });
          await pause();
        }
      }, Math.max(0, Number(start) - Date.now()));`;
    const start = String(Date.now() + 500);
    const writers = ['cli', 'extension'].map(
      (name) =>
        new Promise<number | null>((resolve, reject) => {
          const child = spawn(process.execPath, ['-e', script, file, name, start], { stdio: ['ignore', 'inherit', 'inherit'] });
          child.on('error', reject);
          child.on('exit', resolve);
        }),
    );
    assert.deepEqual(await Promise.all(writers), [0, 0]);
    assert.deepEqual(report(file), { ok: true, records: 400 });
    const stored = entries(file);
    const switches = stored.filter((e, i) => i > 0 && e.actor !== stored[i - 1]?.actor).length;
    assert.ok(switches >= 10, `the writers interleaved (${switches} switches), so the lock was contended`);
    for (const name of ['cli', 'extension']) {
      const own = stored.filter((e) => e.actor === name).map((e) => e.details?.i);
      assert.deepEqual(own, Array.from({ length: 200 }, (_, i) => i), `${name}'s records, each once and in order`);
    }
  });

  it('reports a crash-torn last line, and a later append keeps it visible on its own line', async () => {
    const log = new ChainedFileAuditLog(file, { osUser: 'ada' });
    for (let i = 1; i <= 3; i++) await log.append(record(i));
    appendFileSync(file, '{"seq":4,"at":"2026-03-01T10:04:00.000Z","actor":"Ada On'); // the crash: half a line
    assert.deepEqual(report(file), { ok: false, line: 4, kind: 'torn' });

    await log.append(record(5));
    assert.deepEqual(report(file), { ok: false, line: 4, kind: 'torn' }, 'still reported after the append');
    const after = lines(file);
    assert.equal(after.length, 5);
    assert.match(after[3] as string, /^\{"seq":4,"at":"2026-03-01T10:04:00.000Z","actor":"Ada On$/);
    assert.equal((JSON.parse(after[4] as string) as AuditEntry).seq, 4, 'the append chains from the last whole record');

    // Deleting the fragment by hand (the operator's call) leaves an intact chain.
    writeFileSync(file, `${after.filter((_, i) => i !== 3).join('\n')}\n`);
    assert.deepEqual(report(file), { ok: true, records: 4 });
  });

  it('ends a whole record that lost only its newline, and chains from it', async () => {
    const log = new ChainedFileAuditLog(file, { osUser: 'ada' });
    await log.append(record(1));
    writeFileSync(file, readFileSync(file, 'utf8').trimEnd());
    assert.deepEqual(report(file), { ok: false, line: 1, kind: 'torn' });
    await log.append(record(2));
    assert.deepEqual(report(file), { ok: true, records: 2 });
  });

  it('takes over a lock whose holder is gone or that is stale, and times out on a live one, naming it', async function () {
    this.timeout(20_000);
    mkdirSync(path.dirname(file), { recursive: true });
    const lock = `${file}.lock`;
    const gone = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    writeFileSync(lock, `${gone} ${hostname()} deadbeef`);
    const log = new ChainedFileAuditLog(file, { osUser: 'ada', lockTimeoutMs: 2_000, staleLockMs: 1_000 });
    await log.append(record(1));

    writeFileSync(lock, `${process.pid} another-host cafe`); // alive as far as we can tell, but old
    const old = new Date(Date.now() - 5_000);
    utimesSync(lock, old, old);
    await log.append(record(2));
    assert.deepEqual(report(file), { ok: true, records: 2 });

    writeFileSync(lock, `${process.pid} ${hostname()} held`);
    const patient = new ChainedFileAuditLog(file, { lockTimeoutMs: 300, staleLockMs: 60_000 });
    await assert.rejects(patient.append(record(3)), /audit log is locked by \d+ .* held .*audit\.jsonl\.lock/);
    assert.equal(readFileSync(lock, 'utf8'), `${process.pid} ${hostname()} held`, 'a live lock is left alone');
  });
});

describe('CLI twin: hotfix-deployer audit verify | export (built dist/cli.js)', () => {
  let repo: GitFixture;
  let file: string;
  const cli = (...args: string[]) => {
    const run = spawnSync(process.execPath, [CLI, ...args], { cwd: repo.work, encoding: 'utf8' });
    return { code: run.status, out: run.stdout, err: run.stderr };
  };
  beforeEach(() => {
    repo = createGitFixture();
    file = path.join(repo.work, '.git', 'hotfix', 'audit.jsonl');
  });
  afterEach(() => repo.dispose());

  it('verifies: exit 0 with the count and head when intact, exit 1 naming the line and the problem', async () => {
    const none = cli('audit', 'verify');
    assert.equal(none.code, 0, none.err);
    assert.match(none.out, /^0 records: no audit log yet/);

    const log = new ChainedFileAuditLog(file, { osUser: 'ada' });
    for (let i = 1; i <= 3; i++) await log.append(record(i));
    const head = entries(file)[2]?.hash as string;
    const intact = cli('audit', 'verify');
    assert.equal(intact.code, 0, intact.err);
    assert.equal(intact.out.split('\n')[0], `3 records, chain intact, head ${head}`);
    const json = JSON.parse(cli('audit', 'verify', '--json').out) as { ok: boolean; records: number; head: string };
    assert.deepEqual([json.ok, json.records, json.head], [true, 3, head]);

    writeFileSync(file, readFileSync(file, 'utf8').replace('"subject":"step-2"', '"subject":"step-9"'));
    const edited = cli('audit', 'verify');
    assert.equal(edited.code, 1);
    assert.match(edited.err, /line 2 \(seq 2\) was edited: its content no longer matches its hash/);
    const broken = JSON.parse(cli('audit', 'verify', '--json', `--repo=${repo.work}`).out) as { ok: boolean; line: number; kind: string };
    assert.deepEqual([broken.ok, broken.line, broken.kind], [false, 2, 'edited']);

    appendFileSync(file, '{"seq":4,'); // torn
    writeFileSync(file, readFileSync(file, 'utf8').replace('"subject":"step-9"', '"subject":"step-2"'));
    const torn = cli('audit', 'verify');
    assert.equal(torn.code, 1);
    assert.match(torn.err, /line 4 is torn[\s\S]*delete line 4 by hand/);
  });

  it('exports CSV, Markdown and JSON, to standard output or a file, since a time', async () => {
    const log = new ChainedFileAuditLog(file, { osUser: 'ada' });
    await log.append(record(1, { subject: 'prod, "eu"' }));
    await log.append(record(2, { at: new Date().toISOString() }));
    const csv = cli('audit', 'export', '--format=csv');
    assert.equal(csv.code, 0, csv.err);
    const rows = csv.out.split('\r\n');
    assert.equal(rows[0], 'seq,at,actor,osUser,action,subject,before,after,details,hash');
    assert.match(rows[1] as string, /^1,2026-03-01T10:01:00.000Z,Ada Oncall <ada@example.com>,ada,hotfix.finish.merge,"prod, ""eu""",,,"\{""step"":1\}",[0-9a-f]{64}$/);
    assert.equal(rows.length, 4);

    const recent = JSON.parse(cli('audit', 'export', '--since=1h').out) as AuditEntry[];
    assert.deepEqual(recent.map((r) => r.seq), [2]);

    const out = path.join(repo.dir, 'audit.md');
    const written = cli('audit', 'export', '--format=md', `--output=${out}`);
    assert.equal(written.code, 0, written.err);
    assert.match(written.out, /exported 2 records \(md\) to .*audit\.md/);
    assert.match(readFileSync(out, 'utf8'), /^\| Seq \| Time \|[\s\S]*prod, "eu"/);

    assert.equal(cli('audit', 'export', '--format=xml').code, 2);
    assert.match(cli('audit', 'export', '--since=yesterday').err, /--since=yesterday is neither/);
    assert.equal(cli('audit').code, 2, 'a verb is needed');
  });

  it('records what create did in the chained log, with the git actor and the OS user', () => {
    const flow = gitflowRepo();
    try {
      const created = spawnSync(process.execPath, [CLI, 'create', '--issue=PROD-2847', '--title=payment null pointer'], { cwd: flow.work, encoding: 'utf8' });
      assert.equal(created.status, 0, created.stderr);
      const verified = spawnSync(process.execPath, [CLI, 'audit', 'verify', '--json'], { cwd: flow.work, encoding: 'utf8' });
      assert.equal(verified.status, 0, verified.stdout);
      assert.ok((JSON.parse(verified.stdout) as { records: number }).records >= 1);
      const exported = JSON.parse(spawnSync(process.execPath, [CLI, 'audit', 'export'], { cwd: flow.work, encoding: 'utf8' }).stdout) as AuditEntry[];
      const create = exported.find((e) => e.action === 'hotfix.create');
      assert.equal(create?.actor, 'Ada Oncall <ada@example.com>');
      assert.equal(typeof create?.osUser, 'string');
    } finally {
      flow.dispose();
    }
  });
});
