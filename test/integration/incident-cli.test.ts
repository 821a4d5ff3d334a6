// The built CLI twin (dist/cli.js) end to end in a real git repository: incident create, update,
// resolve, list, show and postmortem, their refusals and exit codes, the store and the audit trail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createGitFixture, type GitFixture } from './fixtures/git';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

function cli(cwd: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

interface Summary {
  id: string;
  title: string;
  status: string;
  severity: string;
  eta?: { text: string; until?: string };
}

describe('CLI twin: hotfix-deployer incident (built dist/cli.js, real git)', () => {
  let repo: GitFixture;
  let incidents: string;
  beforeEach(() => {
    repo = createGitFixture();
    incidents = path.join(repo.work, '.git', 'hotfix', 'incidents');
  });
  afterEach(() => repo.dispose());

  const run = (...args: string[]) => cli(repo.work, 'incident', ...args);
  const json = <T>(result: { code: number | null; out: string; err: string }): T => {
    assert.equal(result.code, 0, result.err || result.out);
    return JSON.parse(result.out) as T;
  };
  const audit = () => readFileSync(path.join(repo.work, '.git', 'hotfix', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; subject: string });

  it('refuses bad input with exit 2 and writes nothing, outside a repository too', () => {
    for (const [args, why] of [
      [['create', '--severity=sev9', '--title=Payment Gateway Down', '--impact=high'], /"sev9" is not a severity[\s\S]*SEV0, SEV1/],
      [['create', '--severity=sev1', '--title=  ', '--impact=high'], /title is empty/],
      [['create', '--severity=sev1', '--title=x', '--impact=enormous'], /not an impact[\s\S]*none, low, medium, high, critical/],
      [['create', '--severity=sev1', '--title=x', '--impact=high', '--war-room=javascript:alert(1)'], /war room must be an http or https link/],
      [['create', '--severity=sev1', '--impact=high'], /required option '--title <text>'/],
      [['explode'], /unknown command 'explode'/],
    ] as const) {
      const result = run(...args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.err}`);
      assert.match(result.err, why);
    }
    assert.equal(existsSync(incidents) ? readdirSync(incidents).length : 0, 0);
    assert.equal(existsSync(path.join(repo.work, '.git', 'hotfix', 'audit.jsonl')), false);
    const outside = mkdtempSync(path.join(tmpdir(), 'hotfix-no-repo-'));
    try {
      const result = cli(outside, 'incident', 'list');
      assert.equal(result.code, 2);
      assert.match(result.err, /not inside a git repository/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('declares, updates, resolves and drafts the post-mortem: the on-call flow from a terminal', () => {
    const created = run('create', '--severity=sev1', '--title=Payment Gateway Down', '--impact=high: card payments fail', '--commander=Ada Oncall', '--war-room=https://meet.example.com/inc', '--broadcast');
    assert.equal(created.code, 0, created.err);
    const id = /Declared (INC-\d{8}-[0-9A-F]{4}): SEV1 "Payment Gateway Down", impact high \(card payments fail\); investigating\./.exec(created.out)?.[1] ?? '';
    assert.ok(id, created.out);
    assert.match(created.out, /--broadcast: no notification channels are configured yet, so nothing was sent/);
    assert.deepEqual(readdirSync(incidents), [`${id}.json`]);

    const updated = json<{ incident: Summary; events: { type: string }[] }>(run('update', '--status=identified', '--eta=15 minutes', '--note=bad deploy of 1.10.1', '--json'));
    assert.equal(updated.incident.status, 'identified');
    assert.equal(updated.incident.eta?.text, '15 minutes');
    assert.ok(updated.incident.eta?.until);
    assert.deepEqual(updated.events.map((e) => e.type), ['status-changed', 'eta-set']);

    const back = run('update', '--status=investigating');
    assert.equal(back.code, 1);
    assert.match(back.err, /would go back from identified to investigating[\s\S]*--note=/);

    const noCause = run('resolve', '--action-items=a');
    assert.equal(noCause.code, 2);
    assert.match(noCause.err, /needs a root cause[\s\S]*unknown, investigation continues/);

    const resolved = run('resolve', '--root-cause=a null order reached pricing', '--action-items=validate orders @ada; alert on 5xx @bo', '--broadcast');
    assert.equal(resolved.code, 0, resolved.err);
    assert.match(resolved.out, new RegExp(`Resolved ${id} "Payment Gateway Down": resolved \\(was identified\\)\\.`));
    assert.match(resolved.out, /\[ \] validate orders @ada\n {2}\[ \] alert on 5xx @bo/);
    assert.match(resolved.out, /nothing was sent/);

    const reopenless = run('update', `--id=${id.slice(-4).toLowerCase()}`, '--status=investigating', '--note=it is back');
    assert.equal(reopenless.code, 1);
    assert.match(reopenless.err, /resolved; it cannot go back to investigating without being reopened[\s\S]*--reopen/);

    assert.match(run('list').out, /No open incidents \(1 resolved: incident list --all\)/);
    const all = json<{ incidents: Summary[] }>(run('list', '--all', '--json'));
    assert.deepEqual(all.incidents.map((i) => [i.id, i.status]), [[id, 'resolved']]);

    const shown = run('show');
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /#1 .*Declared SEV1 "Payment Gateway Down"[\s\S]*#2 .*Status: identified \(bad deploy of 1\.10\.1\)[\s\S]*#4 .*Resolved\. Root cause: a null order reached pricing/);
    const shownJson = json<{ incident: { events: { type: string }[] }; version: string }>(run('show', `--id=${id}`, '--json'));
    assert.equal(shownJson.incident.events.length, 4);
    assert.equal(shownJson.version, '3');

    const file = path.join(repo.dir, 'postmortem.md');
    const drafted = run('postmortem', `--output=${file}`);
    assert.equal(drafted.code, 0, drafted.err);
    const markdown = readFileSync(file, 'utf8');
    assert.match(markdown, new RegExp(`^# Post-mortem: Payment Gateway Down \\(${id}\\)`));
    for (const heading of ['## Summary', '## Impact', '## Duration', '## Timeline', '## Root cause', '## Action items', '## What went well', '## What went badly', '## Where we got lucky']) {
      assert.ok(markdown.includes(heading), heading);
    }
    assert.match(markdown, /- \[ \] validate orders \(owner: @ada\)/);
    writeFileSync(file, 'edited by the team\n');
    const kept = run('postmortem', `--output=${file}`);
    assert.equal(kept.code, 2);
    assert.match(kept.err, /exists; it may hold a draft people have edited[\s\S]*--force/);
    assert.equal(readFileSync(file, 'utf8'), 'edited by the team\n');
    assert.equal(run('postmortem', `--output=${file}`, '--force').code, 0);
    const printed = run('postmortem', `--id=${id}`);
    assert.equal(printed.code, 0);
    assert.match(printed.out, /## Timeline[\s\S]*Post-mortem drafted in .*postmortem\.md/);

    assert.deepEqual(audit().map((r) => [r.action, r.subject]), [
      ['incident.declare', id],
      ['incident.update', id],
      ['incident.resolve', id],
      ['incident.postmortem', id],
      ['incident.postmortem', id],
      ['incident.postmortem', id],
    ]);
  });

  it('takes the only open incident by default, and names the open ones when there are several', () => {
    const first = json<{ incident: Summary }>(run('create', '--severity=sev2', '--title=Search slow', '--impact=medium', '--json')).incident.id;
    const none = run('update', '--note=looking at the index');
    assert.equal(none.code, 0, none.err);
    const second = json<{ incident: Summary }>(run('create', '--severity=critical', '--title=Checkout down', '--impact=critical', '--json')).incident.id;
    const ambiguous = run('update', '--status=identified');
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.err, new RegExp(`2 incidents are open: ${second} \\(SEV0 Checkout down, investigating\\); ${first} \\(SEV2 Search slow, investigating\\)[\\s\\S]*--id=${second}`));
    const listed = run('list');
    assert.match(listed.out, new RegExp(`^${second} +SEV0 +investigating .*Checkout down\\n${first} +SEV2 `));
    assert.equal(run('resolve', `--id=${second}`, '--root-cause=expired certificate').code, 0);
    const reopened = run('update', '--reopen', '--status=identified', '--note=the new certificate is not trusted');
    assert.equal(reopened.code, 0, reopened.err);
    assert.match(reopened.out, new RegExp(`Updated ${second} "Checkout down": identified \\(was resolved\\)\\.\\n {2}\\+ Reopened as identified`));
    const same = run('update', `--id=${first}`, '--severity=sev2');
    assert.equal(same.code, 0);
    assert.match(same.out, /is unchanged: investigating\.\n {2}INC-.* is already SEV2\./);
    assert.equal(audit().filter((r) => r.action === 'incident.reopen').length, 1);

    // Events are never edited: a correction is a new event, shown against the one it corrects.
    const corrected = run('update', `--id=${first}`, '--correct=2', '--note=it was the EU index, not the US one');
    assert.equal(corrected.code, 0, corrected.err);
    assert.match(corrected.out, /\+ Correction to #2: it was the EU index, not the US one/);
    assert.match(run('show', `--id=${first}`).out, /#2 .*Note: looking at the index\n.*#3 .*Correction to #2: it was the EU index/);
    assert.equal(run('update', `--id=${first}`, '--correct=99', '--note=x').code, 2);
  });
});
