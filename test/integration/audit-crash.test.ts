// Audit completeness after a crash: the built CLI's `incident update` killed with SIGKILL at random
// points (and right after it stored its events, where the window is), then every event in the incident
// files is compared with the audit records, `audit verify` must name each gap, and the next run
// leaves no temporary file behind.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { watch, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createGitFixture, type GitFixture } from './fixtures/git';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface Stored {
  readonly events: readonly { id: string; type: string }[];
}

interface Entry {
  readonly details?: Record<string, unknown>;
}

interface VerifyJson {
  readonly ok: boolean;
  readonly coverage?: { readonly events: number; readonly missing: readonly { incident: string; event: string }[] };
  readonly problems?: readonly { kind: string; message: string }[];
}

type Trigger = 'random' | 'stored' | 'temp';

/** Runs the CLI and kills it: after `delayMs`, or a moment after the incident folder changes the way `trigger` says. */
function killed(cwd: string, dir: string, args: readonly string[], trigger: Trigger, delayMs: number): Promise<string> {
  return new Promise((resolve) => {
    // Its error output is kept, so that a round that fails without being killed says why.
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const kill = () => child.kill('SIGKILL');
    let timer: NodeJS.Timeout | undefined;
    const watcher =
      trigger === 'random'
        ? undefined
        : watch(dir, (_event, name) => {
            const hit = trigger === 'temp' ? String(name).endsWith('.tmp') : String(name).endsWith('.json');
            if (hit && timer === undefined) timer = setTimeout(kill, delayMs);
          });
    if (trigger === 'random') timer = setTimeout(kill, delayMs);
    child.on('exit', (code, signal) => {
      watcher?.close();
      if (timer) clearTimeout(timer);
      resolve(signal ?? (code === 0 ? 'exit 0' : `exit ${code}: ${stderr.trim()}`));
    });
  });
}

describe('audit completeness after SIGKILL (built dist/cli.js, real git, real processes)', () => {
  let repo: GitFixture;
  beforeEach(() => {
    repo = createGitFixture();
  });
  afterEach(() => repo.dispose());

  it('after 32 killed incident updates, every stored event has its audit record or verify names it, and no temp file stays', async function () {
    this.timeout(90_000);
    const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: repo.work, encoding: 'utf8' });
    const state = path.join(repo.work, '.git', 'hotfix');
    const incidents = path.join(state, 'incidents');
    assert.equal(cli('incident', 'create', '--severity=sev2', '--title=Checkout slow', '--impact=high').status, 0);
    const started = Date.now();
    assert.equal(cli('incident', 'update', '--note=calibration').status, 0);
    const lifetime = Date.now() - started;

    const outcomes: string[] = [];
    const triggers: Trigger[] = ['random', 'stored', 'temp', 'stored'];
    for (let round = 0; round < 32; round++) {
      const trigger = triggers[round % triggers.length] as Trigger;
      const delay = trigger === 'random' ? Math.floor(Math.random() * lifetime * 1.1) : Math.floor(Math.random() * 6);
      outcomes.push(await killed(repo.work, incidents, ['incident', 'update', `--note=round ${round}`], trigger, delay));
    }
    // A round that finished before its kill is fine; the test is about the killed ones.
    assert.ok(outcomes.filter((o) => o === 'SIGKILL').length >= 10, `too few rounds were killed: ${outcomes.join(' ')}`);
    assert.deepEqual(outcomes.filter((o) => o !== 'SIGKILL' && o !== 'exit 0'), [], 'an update that was not killed succeeded');

    // The next run: it must clean what the killed ones left.
    const next = cli('incident', 'update', '--note=after the crashes');
    assert.equal(next.status, 0, next.stderr);

    const stored = readdirSync(incidents)
      .filter((name) => name.endsWith('.json'))
      .flatMap((name) => (JSON.parse(readFileSync(path.join(incidents, name), 'utf8')) as Stored).events.map((e) => ({ incident: name.slice(0, -5), event: e.id })));
    const audited = new Set(
      readFileSync(path.join(state, 'audit.jsonl'), 'utf8')
        .split('\n')
        .flatMap((line) => {
          try {
            const ids = (JSON.parse(line) as Entry).details?.eventIds;
            return typeof ids === 'string' ? ids.split(',') : [];
          } catch {
            return []; // a torn line: verify names it
          }
        }),
    );
    const missing = stored.filter((e) => !audited.has(e.event));
    const storedIds = new Set(stored.map((e) => e.event));
    assert.deepEqual([...audited].filter((id) => id !== '' && !storedIds.has(id)), [], 'audit records name events the store does not hold');

    const verified = cli('audit', 'verify', '--json');
    const report = JSON.parse(verified.stdout) as VerifyJson;
    if (missing.length === 0) {
      const torn = (report.problems ?? []).every((p) => p.kind === 'torn');
      assert.ok(verified.status === 0 || torn, `complete coverage, yet verify failed: ${verified.stdout}`);
      assert.equal(report.coverage?.events, stored.length, verified.stdout);
    } else {
      assert.equal(verified.status, 1, `verify said intact while ${missing.length} of ${stored.length} stored events have no audit record: ${JSON.stringify(missing)}`);
      assert.deepEqual(
        [...(report.coverage?.missing ?? [])].map((m) => m.event).sort(),
        missing.map((m) => m.event).sort(),
        'verify names exactly the events without an audit record',
      );
      const human = cli('audit', 'verify');
      for (const m of missing) assert.ok(human.stderr.includes(m.event), `the human report names ${m.event}: ${human.stderr}`);
      assert.match(human.stderr, /audit reconcile/, 'verify says how to account for the gap');

      // A person who checked the events records them as recorded afterwards: verify holds again, the gap stays in the chain.
      const reconciled = cli('audit', 'reconcile', '--json');
      if ((report.problems ?? []).some((p) => p.kind === 'torn')) {
        assert.equal(reconciled.status, 1, 'a broken chain is not reconciled past');
      } else {
        assert.equal(reconciled.status, 0, reconciled.stdout);
        const recorded = (JSON.parse(reconciled.stdout) as { recorded: { events: string[] }[] }).recorded.flatMap((r) => r.events);
        assert.deepEqual(recorded.sort(), missing.map((m) => m.event).sort());
        const after = cli('audit', 'verify', '--json');
        assert.equal(after.status, 0, after.stdout);
        assert.equal((JSON.parse(cli('audit', 'reconcile', '--json').stdout) as { recorded: unknown[] }).recorded.length, 0, 'nothing left to reconcile');
        assert.match(readFileSync(path.join(repo.work, '.git', 'hotfix', 'audit.jsonl'), 'utf8'), /"action":"audit\.reconcile"/);
      }
    }
    const leftovers = readdirSync(incidents).filter((name) => name.endsWith('.tmp'));
    assert.deepEqual(leftovers, [], 'temporary files left after the next run');
  });
});
