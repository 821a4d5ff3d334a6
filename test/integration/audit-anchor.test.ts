// The audit chain's anchor in git, end to end with the built CLI on a real repository and its bare
// remote: finish pushes the anchor, and `audit verify` catches what the chain alone cannot (a rewrite
// of the whole log with recomputed hashes, records cut from its end, a replaced log), locally and
// through the remote even when the local anchor was rewritten too. Also: unchained lines anywhere.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { chainLine, GENESIS, type AuditEntry, type ChainAnchor } from '../../src/core/audit';
import { gitflowRepo, type Repo } from './fixtures/repos';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

interface VerifyJson {
  readonly ok: boolean;
  readonly records?: number;
  readonly kind?: string;
  readonly line?: number;
  readonly problems?: readonly { kind: string; message: string; line?: number }[];
  readonly anchors?: readonly { where: string; ref: string; verdict: { ok: boolean; seq?: number; kind?: string } }[];
}

/** Every record re-chained from genesis after `change`: what someone with write access to the file can do. */
function rewrite(file: string, change: (entries: Record<string, unknown>[]) => Record<string, unknown>[]): void {
  const entries = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  let anchor: ChainAnchor = GENESIS;
  const lines = change(entries).map((entry) => {
    const next = chainLine(entry as unknown as AuditEntry, anchor);
    anchor = next.anchor;
    return next.line;
  });
  writeFileSync(file, `${lines.join('\n')}\n`);
}

describe('audit anchor in git (built dist/cli.js, real git with a bare remote)', () => {
  let repo: Repo;
  let file: string;
  const cli = (...args: string[]) => {
    const run = spawnSync(process.execPath, [CLI, ...args], { cwd: repo.work, encoding: 'utf8' });
    return { code: run.status, out: run.stdout, err: run.stderr };
  };
  const verify = (...args: string[]) => {
    const run = cli('audit', 'verify', '--json', ...args);
    return { code: run.code, report: JSON.parse(run.out) as VerifyJson, human: cli('audit', 'verify', ...args) };
  };
  const remoteRefs = () => repo.git('ls-remote', 'origin', 'refs/hotfix/audit/*');

  beforeEach(() => {
    repo = gitflowRepo();
    file = path.join(repo.work, '.git', 'hotfix', 'audit.jsonl');
    assert.equal(cli('create', '--issue=PROD-2847', '--title=payment null pointer').code, 0);
    repo.commit('guard.js', 'module.exports = (order) => order?.total ?? 0;\n', 'fix: guard a null order');
    const finished = cli('finish');
    assert.equal(finished.code, 0, finished.err);
    assert.match(finished.err, /Anchored the audit log at record \d+ \(refs\/hotfix\/audit\/[0-9a-f]{32}\), pushed to origin/);
  });
  afterEach(() => repo.dispose());

  it('finish pushes the chain head to the remote, and verify checks it there and locally', () => {
    const refs = remoteRefs();
    assert.match(refs, /^[0-9a-f]{40}\trefs\/hotfix\/audit\/[0-9a-f]{32}$/, 'one anchor ref on the remote');
    const records = readFileSync(file, 'utf8').trimEnd().split('\n').length;
    const message = repo.git('log', '-1', '--format=%B', refs.split('\t')[1] as string);
    assert.match(message, new RegExp(`^hotfix-deployer audit anchor\\n\\nchain [0-9a-f]{64}\\nseq ${records}\\nhash [0-9a-f]{64}\\nline [0-9a-f]{64}`));

    const { code, report, human } = verify();
    assert.equal(code, 0, JSON.stringify(report));
    assert.deepEqual(report.anchors?.map((a) => [a.where, a.verdict.ok, a.verdict.seq]), [
      ['local', true, records],
      ['remote origin', true, records],
    ]);
    assert.match(human.out, new RegExp(`anchored at record ${records} \\(refs/hotfix/audit/[0-9a-f]{32}, remote origin`));

    // A later action moves the head past the anchor: still intact, the unanchored tail is said.
    assert.equal(cli('incident', 'create', '--severity=sev2', '--title=Slow checkout', '--impact=low').code, 0);
    assert.match(cli('audit', 'verify').out, /1 record since, not anchored yet/);
    const anchored = cli('audit', 'anchor');
    assert.equal(anchored.code, 0, anchored.err);
    assert.match(anchored.out, new RegExp(`Anchored the audit log at record ${records + 1} .*pushed to origin`));
    assert.equal(repo.git('rev-list', '--count', remoteRefs().split('\t')[1] as string), '2', 'the new anchor descends from the first');
  });

  it('names a rewrite of the whole log with recomputed hashes, even after the local anchor was rewritten too', () => {
    rewrite(file, (entries) => entries.map((e) => (e.action === 'hotfix.finish.merge' ? { ...e, subject: 'somewhere-else' } : e)));
    assert.equal(cli('audit', 'verify', '--offline').code !== 0, true, 'the chain alone still verifies; the anchor does not');
    const local = verify('--offline');
    assert.equal(local.code, 1);
    assert.equal(local.report.problems?.[0]?.kind, 'rewritten');
    assert.match(local.human.err, /the chain was rewritten behind the anchor refs\/hotfix\/audit\/[0-9a-f]{32} \(local, commit [0-9a-f]{12}\): it anchored record \d+ with hash [0-9a-f]{64}, and the log holds hash [0-9a-f]{64} there/);
    assert.match(local.human.err, /rewritten, cut short or replaced after the anchor was written/);
    const refused = cli('audit', 'anchor', '--no-push');
    assert.equal(refused.code, 1, 'no new anchor on top of a rewritten log');
    assert.match(refused.err, /not anchored: the chain was rewritten behind the anchor/);

    // Whoever rewrote the file can rewrite the local ref as well; the remote's anchor stays.
    for (const ref of repo.git('for-each-ref', '--format=%(refname)', 'refs/hotfix/audit/').split('\n')) repo.git('update-ref', '-d', ref);
    const anchorNow = cli('audit', 'anchor', '--no-push');
    assert.equal(anchorNow.code, 0, anchorNow.err);
    const remote = verify();
    assert.equal(remote.code, 1, JSON.stringify(remote.report));
    assert.deepEqual(
      remote.report.anchors?.map((a) => [a.where, a.verdict.ok ? 'ok' : a.verdict.kind]),
      [
        ['local', 'ok'],
        ['remote origin', 'rewritten'],
      ],
    );
    assert.match(remote.human.err, /rewritten behind the anchor refs\/hotfix\/audit\/[0-9a-f]{32} \(remote origin/);
    // And the rewritten anchor cannot replace the remote's: the push is a fast-forward only.
    const pushed = cli('audit', 'anchor');
    assert.equal(pushed.code, 1);
    assert.match(pushed.err, /pushing it to origin failed/);
  });

  it('names records cut from the end, and a log replaced from its first record', () => {
    const whole = readFileSync(file, 'utf8');
    const kept = whole.trimEnd().split('\n').slice(0, -2);
    writeFileSync(file, `${kept.join('\n')}\n`);
    const cut = verify();
    assert.equal(cut.code, 1);
    assert.deepEqual([...new Set(cut.report.problems?.map((p) => p.kind))], ['truncated']);
    assert.match(cut.human.err, new RegExp(`the log ends at record ${kept.length}, but the anchor .* recorded ${kept.length + 2} records`));

    writeFileSync(file, whole);
    rewrite(file, (entries) => entries.map((e, i) => (i === 0 ? { ...e, actor: 'Mallory <m@example.com>' } : e)));
    const replaced = verify('--offline');
    assert.equal(replaced.code, 1);
    assert.equal(replaced.report.problems?.[0]?.kind, 'other-chain');
    assert.match(replaced.human.err, /belongs to a log whose first record is not this log's/);
  });

  it('refuses a record without chain fields at the top of the log, naming line 1', () => {
    const forged = JSON.stringify({ at: '2026-01-01T00:00:00.000Z', actor: 'Mallory', action: 'hotfix.create', subject: 'hotfix/PROD-1' });
    writeFileSync(file, `${forged}\n${readFileSync(file, 'utf8')}`);
    const { code, report, human } = verify('--offline');
    assert.equal(code, 1, JSON.stringify(report));
    assert.deepEqual([report.line, report.kind], [1, 'unchained']);
    assert.match(human.err, /line 1 is a record without seq\/prev\/hash/);
  });
});
