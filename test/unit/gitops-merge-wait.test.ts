// A restore of GitOps auto-sync that waits for the manifests change to be merged: which request the
// timelines name for a target, the poll of the forge (a manual clock, a scripted forge), the refusals
// in words with their remedies, and how each front end renders the new wait option. The whole flow
// through the CLI and the contract-validated fake GitHub: test/integration/gitops-restore-wait.test.ts.

import assert from 'node:assert/strict';
import { canWait, closedFailure, disagreementFailure, noRequestFailure, recordedRequest, waitForMerge, waitingFailure, type KnownRequest } from '../../src/core/gitops/merge-wait';
import { ForgeError, type Forge, type PullRequestView } from '../../src/core/hotfix/forge';
import { eventShapeError, type IncidentEvent } from '../../src/core/incident/events';
import { remedy } from '../../src/core/remedy';
import { remedyCommand } from '../../src/cli/remedy';
import { commandArgsProblem } from '../../src/extension/command-args';
import { editorRemedy } from '../../src/extension/remedy-map';
import { ManualClock } from './fakes/manual-clock';

const prepared = (at: string, extra: Partial<Extract<IncidentEvent, { type: 'manifests-prepared' }>> = {}): IncidentEvent => ({
  id: `e-${at}`,
  at,
  actor: 'Ada',
  type: 'manifests-prepared',
  target: 'web',
  repo: '/src/infra',
  branch: 'hotfix/web-rollback-1-3',
  commit: 'c0ffee00c0ffee00',
  summary: 'revert web 2.0',
  ...extra,
});

const view = (state: PullRequestView['state'], more: Partial<PullRequestView> = {}): PullRequestView => ({
  number: 7,
  url: 'https://github.com/acme/infra/pull/7',
  title: 'web: revert',
  head: 'hotfix/web-rollback-1-3',
  base: 'main',
  headSha: 'abc',
  state,
  mergeable: true,
  mergeState: 'blocked',
  checks: { pending: ['ci'], passed: [], failed: [] },
  reviews: { approved: [], changesRequested: [] },
  ...(state === 'merged' ? { mergeCommit: 'feedbeef12345678' } : {}),
  ...more,
});

const D = { inGit: 'web:2.0', file: 'apps/web.yaml', base: 'origin/main', running: 'web:1.3' };
const BLOCKED = 'git still says web:2.0 (apps/web.yaml on origin/main) while web:1.3 runs, so auto-sync would put web:2.0 back; merge the manifests change first';

/** A forge that answers `get` from a script, one answer per call (the last one repeats). */
function scripted(answers: readonly (PullRequestView | Error)[]): Pick<Forge, 'get' | 'noun'> & { calls: number } {
  const forge = {
    noun: 'pull request',
    calls: 0,
    get(): Promise<PullRequestView> {
      const answer = answers[Math.min(forge.calls, answers.length - 1)];
      forge.calls++;
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer ?? view('open'));
    },
  };
  return forge;
}

describe('gitops restore waiting for the merge: the request a timeline names', () => {
  it('takes the newest manifests-prepared of the target that carries a request, across incidents', () => {
    const incidents = [
      { id: 'INC-1', events: [prepared('2026-01-01T10:00:00.000Z', { pullRequest: 'https://github.com/acme/infra/pull/3', pullRequestNumber: 3 })] },
      {
        id: 'INC-2',
        events: [
          prepared('2026-01-02T10:00:00.000Z', { pullRequest: 'https://github.com/acme/infra/pull/5', pullRequestNumber: 5, branch: 'hotfix/web-5' }),
          // Newer, but another target, or not pushed (no request): not it.
          prepared('2026-01-03T10:00:00.000Z', { target: 'api', pullRequestNumber: 9, pullRequest: 'https://github.com/acme/infra/pull/9' }),
          prepared('2026-01-03T11:00:00.000Z'),
        ],
      },
    ];
    assert.deepEqual(recordedRequest(incidents, 'web'), { incident: 'INC-2', at: '2026-01-02T10:00:00.000Z', branch: 'hotfix/web-5', url: 'https://github.com/acme/infra/pull/5', number: 5 });
    assert.equal(recordedRequest(incidents, 'billing'), undefined);
  });

  it('an older record has the address but no number: found again by its branch', () => {
    const found = recordedRequest([{ id: 'INC-1', events: [prepared('2026-01-01T10:00:00.000Z', { pullRequest: 'https://github.com/acme/infra/pull/3' })] }], 'web');
    assert.deepEqual(found, { incident: 'INC-1', at: '2026-01-01T10:00:00.000Z', branch: 'hotfix/web-rollback-1-3', url: 'https://github.com/acme/infra/pull/3' });
  });

  it('a stored manifests-prepared event may carry the number, a positive integer; older ones stay valid', () => {
    assert.equal(eventShapeError(prepared('2026-01-01T10:00:00.000Z')), undefined);
    assert.equal(eventShapeError(prepared('2026-01-01T10:00:00.000Z', { pullRequest: 'https://x/pull/3', pullRequestNumber: 3 })), undefined);
    for (const bad of [0, -1, 1.5, '3'] as unknown[]) {
      assert.equal(eventShapeError({ ...prepared('2026-01-01T10:00:00.000Z'), pullRequestNumber: bad }), 'malformed manifests-prepared event', String(bad));
    }
  });
});

describe('gitops restore waiting for the merge: the refusals and their remedies', () => {
  const open: KnownRequest = { noun: 'pull request', branch: 'hotfix/web-rollback-1-3', number: 7, url: 'https://github.com/acme/infra/pull/7', view: view('open') };

  it('without a known request: prepare the change, or restore anyway (as before)', () => {
    const f = disagreementFailure('web', BLOCKED, undefined);
    assert.equal(f.reason, `Not restored: ${BLOCKED}.`);
    assert.deepEqual(f.remedies?.map(remedyCommand), ['hotfix-deployer gitops prepare --target=web', 'hotfix-deployer gitops restore --target=web --force']);
    assert.equal(canWait(undefined), false);
  });

  it('an open request is named with its number, address and state, and waiting for its merge is offered', () => {
    const f = disagreementFailure('web', BLOCKED, open);
    assert.match(f.hint ?? '', /^Pull request #7 \(https:\/\/github\.com\/acme\/infra\/pull\/7\) carries the manifests change: pull request #7 open, blocked; reviews: none; checks: ci pending\. /);
    assert.deepEqual(f.remedies?.map(remedyCommand), ['hotfix-deployer gitops restore --target=web --wait', 'hotfix-deployer gitops restore --target=web --force']);
    assert.ok(canWait(open));
    // The forge could not be read: the recorded number still makes waiting worth offering (the wait says why it cannot read it).
    const unread: KnownRequest = { noun: 'request', branch: open.branch, number: 7, url: open.url, unread: 'No GitHub token' };
    assert.ok(canWait(unread));
    assert.match(disagreementFailure('web', BLOCKED, unread).hint ?? '', /its state could not be read: No GitHub token/);
  });

  it('a merged or closed request, or a branch without one: prepare again, or restore anyway', () => {
    for (const [known, words] of [
      [{ ...open, view: view('merged') }, /^Pull request #7 \(.+\) was merged, yet git still says another image/],
      [{ ...open, view: view('closed') }, /^Pull request #7 \(.+\) was closed without merging: prepare the manifests change again/],
      // Recorded without a number (a deploy's record, where its request would be opened): not looked up without waiting.
      [{ noun: 'pull request', branch: 'hotfix/web-5', url: 'https://github.com/acme/infra/compare/main...hotfix/web-5' }, /^The manifests change was prepared on hotfix\/web-5 \(https:.+\): push it if it is not, and have its request merged, or restore anyway/],
      [{ noun: 'pull request', branch: 'hotfix/web-5', noneFound: true }, /^The manifests change was prepared on hotfix\/web-5, but the forge has no request from it: push it/],
    ] as const) {
      const f = disagreementFailure('web', BLOCKED, known);
      assert.match(f.hint ?? '', words);
      assert.ok(!canWait(known));
      assert.deepEqual(f.remedies?.map(remedyCommand), ['hotfix-deployer gitops prepare --target=web --push', 'hotfix-deployer gitops restore --target=web --force']);
    }
  });

  it('asked to wait with no request, closed unmerged, or given up: says so, with what to do', () => {
    assert.match(noRequestFailure('web', D, undefined).reason, /^Not restored: git still says web:2\.0 \(apps\/web\.yaml on origin\/main\) while web:1\.3 runs, and no pull or merge request carries the manifests change to wait for\.$/);
    assert.match(noRequestFailure('web', D, undefined).hint ?? '', /^Prepare the manifests change and push it/);
    const closed = closedFailure('web', view('closed'), 'pull request', D);
    assert.equal(closed.reason, 'Not restored: pull request #7 (https://github.com/acme/infra/pull/7) was closed without merging, so git still says web:2.0 (apps/web.yaml on origin/main) while web:1.3 runs.');
    assert.deepEqual(closed.remedies?.map(remedyCommand), ['hotfix-deployer gitops prepare --target=web --push', 'hotfix-deployer gitops restore --target=web --force']);
    const timedOut = waitingFailure('web', view('open'), 'pull request', 'timeout', 90_000);
    assert.equal(timedOut.reason, 'Not restored yet: pull request #7 open, blocked; reviews: none; checks: ci pending, after waiting 1m.');
    assert.equal(timedOut.hint, 'Auto-sync of web stays paused. Once pull request #7 (https://github.com/acme/infra/pull/7) is merged, restore, or wait again.');
    assert.deepEqual(timedOut.remedies?.map(remedyCommand), ['hotfix-deployer gitops restore --target=web --wait']);
    assert.match(waitingFailure('web', view('open'), 'pull request', 'stopped', 1000).reason, /^Stopped waiting for pull request #7: /);
  });

  it('the wait option renders as a flag of the CLI and an option of Restore GitOps Auto-Sync…', () => {
    assert.equal(remedyCommand(remedy('gitops.restore', { target: 'web', wait: true, timeoutMs: 3_600_000, intervalMs: 30_000 })), 'hotfix-deployer gitops restore --target=web --wait --timeout=60m --interval=30s');
    const shown = editorRemedy(remedy('gitops.restore', { target: 'web', wait: true }), '/repo');
    assert.deepEqual(shown, { kind: 'command', key: 'restoreAutoSync', command: 'hotfixDeployer.restoreAutoSync', title: 'Restore GitOps Auto-Sync…', args: { root: '/repo', target: 'web', wait: true } });
    assert.equal(commandArgsProblem('restoreAutoSync', { target: 'web', wait: true }), undefined);
    assert.equal(commandArgsProblem('restoreAutoSync', { target: 'web', wait: 'yes' }), 'wait must be true or false');
  });
});

describe('gitops restore waiting for the merge: the poll', () => {
  const options = (clock: ManualClock, lines: string[], signal?: AbortSignal) => ({ timeoutMs: 60_000, intervalMs: 10_000, clock, progress: (l: string) => lines.push(l), ...(signal ? { signal } : {}) });

  it('asks every interval until merged, with a line only when the request reads differently', async () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    const approved = view('open', { reviews: { approved: ['grace'], changesRequested: [] } });
    const forge = scripted([view('open'), approved, approved, view('merged')]);
    const done = await waitForMerge(forge, view('open'), options(clock, lines));
    assert.equal(done.end, 'merged');
    assert.equal(done.view.mergeCommit, 'feedbeef12345678');
    assert.equal(forge.calls, 4);
    assert.deepEqual(clock.sleeps, [10_000, 10_000, 10_000, 10_000]);
    assert.deepEqual(lines, [
      'pull request #7 open, blocked; reviews: none; checks: ci pending',
      'pull request #7 open, blocked; reviews: approved by grace; checks: ci pending',
      'pull request #7 merged as feedbeef',
    ]);
  });

  it('ends at once on a request closed without merging', async () => {
    const forge = scripted([view('closed')]);
    const done = await waitForMerge(forge, view('open'), options(new ManualClock(), []));
    assert.deepEqual([done.end, done.view.state, forge.calls], ['closed', 'closed', 1]);
  });

  it('gives up when the time is up, the last look at the deadline itself', async () => {
    const clock = new ManualClock();
    const forge = scripted([view('open')]);
    const done = await waitForMerge(forge, view('open'), { ...options(clock, []), timeoutMs: 25_000 });
    assert.deepEqual([done.end, done.ms], ['timeout', 25_000]);
    assert.deepEqual(clock.sleeps, [10_000, 10_000, 5_000]);
    assert.equal(forge.calls, 3);
  });

  it('stops when the person cancels, before or during a sleep', async () => {
    const abort = new AbortController();
    abort.abort();
    const forge = scripted([view('open')]);
    assert.equal((await waitForMerge(forge, view('open'), options(new ManualClock(), [], abort.signal))).end, 'stopped');
    assert.equal(forge.calls, 0);
    // Aborted while asleep: the clock's sleep rejects, as systemClock's does.
    const later = new AbortController();
    const clock = new ManualClock();
    const sleepy = { ...clock, now: () => clock.now(), sleep: (ms: number) => (later.abort(), clock.sleep(ms, later.signal)) };
    assert.equal((await waitForMerge(scripted([view('open')]), view('open'), { ...options(clock, []), clock: sleepy, signal: later.signal })).end, 'stopped');
  });

  it('asks again after a forge that did not answer; a token or request gone ends the wait with the error', async () => {
    const lines: string[] = [];
    const forge = scripted([new Error('socket hang up'), view('merged')]);
    assert.equal((await waitForMerge(forge, view('open'), options(new ManualClock(), lines))).end, 'merged');
    assert.match(lines[1] ?? '', /^could not read pull request #7 \(socket hang up\); asking again$/);
    const gone = scripted([new ForgeError('GitHub acme/infra: read pull request #7: Bad credentials (HTTP 401)', 401)]);
    await assert.rejects(waitForMerge(gone, view('open'), options(new ManualClock(), [])), /Bad credentials/);
  });
});
