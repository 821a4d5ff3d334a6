// The hotfix operations of src/app (create; finish, continue and abort) on in-memory ports, with a
// scripted person: what they ask and when, what a refusal carries (a kind and remedies, never a CLI
// word), a successful abort as a success, and the incident timeline the operation writes.

import assert from 'node:assert/strict';
import type { AppEnv } from '../../src/app/env';
import { createHotfix } from '../../src/app/hotfix-create';
import { finishHotfix } from '../../src/app/hotfix-finish';
import { silentInteraction, type ConfirmRequest, type Interaction } from '../../src/app/interaction';
import type { GitSettings } from '../../src/core/config/types';
import type { HotfixContext } from '../../src/core/hotfix/context';
import { FINISH_KEY, type FinishState } from '../../src/core/hotfix/records';
import { declareIncident } from '../../src/core/incident/engine';
import { MemoryIncidentStore } from '../../src/core/incident/memory-store';
import type { IncidentContext } from '../../src/core/incident/ports';
import { pickIncident } from '../../src/core/incident/query';
import { FILL_IN, remedy } from '../../src/core/remedy';
import { failed, succeeded } from '../../src/core/result';
import { MemoryAudit } from './fakes/memory-audit';
import { MemoryGit } from './fakes/memory-git';
import { MemoryStore } from './fakes/memory-store';
import { ManualClock } from './fakes/manual-clock';

const GITFLOW: GitSettings = { model: 'gitflow', productionBranch: 'production', developBranch: 'develop', mainBranch: 'develop', tagPrefix: 'v', remote: 'origin' };
const BRANCH = 'hotfix/PROD-2847-null-coupon';

/** A gitflow repository at release v1.4.0, develop one commit ahead, everything published to origin. */
class World {
  readonly git = new MemoryGit();
  readonly store = new MemoryStore();
  readonly audit = new MemoryAudit();
  readonly clock = new ManualClock();
  readonly incidents = new MemoryIncidentStore();
  /** How many times an operation opened the repository. */
  opened = 0;
  private counter = 0;

  constructor() {
    const { git } = this;
    git.commitOn('production', 'initial');
    const release = git.commitOn('production', 'release 1.4.0');
    git.tagRefs.set('v1.4.0', release);
    git.branches.set('develop', release);
    git.commitOn('develop', 'work on develop');
    git.head = { branch: 'production', sha: release };
    git.remote('origin').tags.set('v1.4.0', release);
    for (const name of ['production', 'develop']) git.publish('origin', name);
  }

  context(): HotfixContext {
    return { git: this.git, store: this.store, audit: this.audit, clock: this.clock, settings: GITFLOW };
  }

  incidentContext(): IncidentContext {
    return {
      store: this.incidents,
      audit: this.audit,
      clock: this.clock,
      actor: 'Ada Oncall <ada@example.com>',
      random: (bytes) => Uint8Array.from({ length: bytes }, () => (this.counter++ * 37) & 0xff),
    };
  }

  /** The environment of one operation: this repository, these incidents, no cluster. */
  env(interaction: Interaction): AppEnv {
    const root = this.git.root;
    const location = { root, gitDir: `${root}/.git`, commonDir: `${root}/.git` };
    return {
      dir: root,
      interaction,
      secrets: {},
      readConfig: () => Promise.resolve(succeeded({})),
      workspace: () => {
        this.opened++;
        return Promise.resolve(succeeded({ location, config: {}, context: this.context() }));
      },
      incidents: () => Promise.resolve(succeeded({ location, dir: `${root}/.git/hotfix/incidents`, context: this.incidentContext() })),
      target: () => Promise.resolve(failed('no cluster in these tests')),
    };
  }

  async declare(): Promise<string> {
    const declared = await declareIncident(this.incidentContext(), { title: 'Checkout down', severity: 'sev1', impact: 'high' });
    assert.ok(declared.ok);
    return declared.value.incident.id;
  }

  async events(id: string): Promise<string[]> {
    const picked = await pickIncident(this.incidentContext(), id);
    assert.ok(picked.ok);
    return picked.value.incident.events.map((e) => e.type);
  }

  /** The hotfix branch with one fix, checked out, that conflicts with develop's work when merged there. */
  async hotfixWithConflict(): Promise<void> {
    const created = await createHotfix(this.env(silentInteraction()), { issue: 'PROD-2847', title: 'null coupon' });
    assert.equal(created.kind, 'created', JSON.stringify(created));
    this.git.commitOn(BRANCH, 'fix: a null coupon no longer fails checkout');
    this.git.conflicts.push({ op: 'merge', into: 'develop', files: ['app.js'] });
  }
}

/** A person who answers every confirmation with `answer`, and remembers what was asked. */
function person(answer: boolean): Interaction & { readonly asked: ConfirmRequest[] } {
  const asked: ConfirmRequest[] = [];
  return Object.assign(silentInteraction({ interactive: true, confirm: (request) => (asked.push(request), Promise.resolve(answer)) }), { asked });
}

describe('app: create a hotfix branch', () => {
  it('refuses a bad issue key or severity, or a base from what runs without its target, before opening anything', async () => {
    const w = new World();
    const env = w.env(silentInteraction());
    for (const request of [{ issue: 'x; rm -rf .' }, { issue: 'PROD-1', severity: 'sev9' }, { issue: 'PROD-1', onDrift: 'tag' as const }]) {
      const outcome = await createHotfix(env, request);
      assert.equal(outcome.kind, 'refused', JSON.stringify(request));
      assert.equal(outcome.kind === 'refused' && outcome.failed.failure, 'input');
    }
    const untargeted = await createHotfix(env, { issue: 'PROD-1', title: 'fix', from: 'running' });
    assert.deepEqual(untargeted.kind === 'refused' && untargeted.failed.remedies, [remedy('create', { issue: 'PROD-1', title: 'fix', from: 'running', target: FILL_IN })]);
    assert.equal(w.opened, 0);
    assert.equal(w.git.branches.size, 2, 'no branch was made');
  });

  it('creates from the release and records it in the only open incident', async () => {
    const w = new World();
    const id = await w.declare();
    const outcome = await createHotfix(w.env(silentInteraction()), { issue: 'PROD-2847', title: 'null coupon', severity: 'critical' });
    assert.equal(outcome.kind, 'created', JSON.stringify(outcome));
    assert.ok(outcome.kind === 'created');
    assert.deepEqual([outcome.hotfix.branch, outcome.hotfix.baseline.tag, outcome.hotfix.severity, outcome.link.incident], [BRANCH, 'v1.4.0', 'SEV0', id]);
    assert.equal(w.git.head.branch, BRANCH);
    assert.deepEqual(await w.events(id), ['declared', 'hotfix-created']);
  });

  it('a dirty tree: refused with its files when the caller says not to stash; asked otherwise, and stashed when the person agrees', async () => {
    const w = new World();
    w.git.dirty = ['app.js'];
    const refused = await createHotfix(w.env(person(true)), { issue: 'PROD-2847', title: 'null coupon', stash: false });
    assert.equal(refused.kind, 'refused');
    assert.deepEqual(refused.kind === 'refused' && refused.data, { dirtyFiles: ['app.js'] });

    const declining = person(false);
    assert.equal((await createHotfix(w.env(declining), { issue: 'PROD-2847', title: 'null coupon' })).kind, 'cancelled');
    assert.match(declining.asked[0]?.action ?? '', /uncommitted changes \(app\.js\)\. Stash them and create the hotfix branch$/);
    assert.deepEqual(w.git.dirty, ['app.js'], 'nothing stashed');

    const agreeing = person(true);
    const created = await createHotfix(w.env(agreeing), { issue: 'PROD-2847', title: 'null coupon' });
    assert.equal(created.kind, 'created', JSON.stringify(created));
    assert.match(created.kind === 'created' ? (created.stashed ?? '') : '', /set aside for hotfix PROD-2847/);
    assert.deepEqual(w.git.dirty, []);
    assert.ok(w.audit.actions().includes('hotfix.stash'));
  });

  it('nobody to ask about a dirty tree: refused, nothing stashed', async () => {
    const w = new World();
    w.git.dirty = ['app.js'];
    const outcome = await createHotfix(w.env(silentInteraction()), { issue: 'PROD-2847', title: 'null coupon' });
    assert.equal(outcome.kind, 'refused');
    assert.deepEqual(w.git.dirty, ['app.js']);
  });

  it('a named incident that does not exist is refused before anything is created', async () => {
    const w = new World();
    const outcome = await createHotfix(w.env(silentInteraction()), { issue: 'PROD-2847', title: 'null coupon', incident: 'INC-20990101-FFFF' });
    assert.equal(outcome.kind === 'refused' && outcome.failed.failure, 'input');
    assert.equal(w.git.branches.has(BRANCH), false);
  });
});

describe('app: finish, continue and abort', () => {
  it('refuses continue and abort together before opening anything', async () => {
    const w = new World();
    const outcome = await finishHotfix(w.env(silentInteraction()), { continue: true, abort: true });
    assert.deepEqual([outcome.kind, outcome.kind === 'failed' && outcome.failure], ['failed', 'input']);
    assert.equal(w.opened, 0);
  });

  it('a conflict stops the finish; abort asks, a no changes nothing, a yes is an aborted outcome with everything back', async () => {
    const w = new World();
    await w.hotfixWithConflict();
    const before = JSON.stringify([...w.git.branches].sort());
    const stopped = await finishHotfix(w.env(silentInteraction()), { push: false });
    assert.deepEqual(stopped.kind === 'stopped' && [stopped.step, stopped.files], ['merge:develop', ['app.js']]);

    const declining = person(false);
    assert.equal((await finishHotfix(w.env(declining), { abort: true })).kind, 'cancelled');
    assert.deepEqual(declining.asked.map((r) => [r.action, r.button]), [[`Abort the finish of ${BRANCH}`, 'Abort Finish']]);
    assert.ok(w.store.peek<FinishState>(FINISH_KEY), 'the finish is still in progress');

    const aborted = await finishHotfix(w.env(person(true)), { abort: true });
    assert.deepEqual(aborted.kind === 'aborted' && [aborted.branch, aborted.undone], [BRANCH, ['merge:production', 'tag']]);
    assert.equal(w.store.peek(FINISH_KEY), undefined);
    assert.equal(JSON.stringify([...w.git.branches].sort()), before);
    assert.equal(w.git.tagRefs.has('v1.4.1'), false, 'the tag is gone');
  });

  it('refusals carry remedies, not CLI words: nothing to continue or abort, a finish already in progress', async () => {
    const w = new World();
    const nothing = await finishHotfix(w.env(silentInteraction()), { continue: true });
    assert.deepEqual(nothing.kind === 'failed' && [nothing.reason, nothing.remedies], ['No finish is in progress.', [remedy('finish')]]);
    const none = await finishHotfix(w.env(silentInteraction()), { abort: true });
    assert.equal(none.kind === 'failed' && none.reason, 'No finish is in progress.');

    await w.hotfixWithConflict();
    assert.equal((await finishHotfix(w.env(silentInteraction()), { push: false })).kind, 'stopped');
    const again = await finishHotfix(w.env(silentInteraction()), { push: false });
    assert.equal(again.kind, 'failed');
    assert.deepEqual(again.kind === 'failed' && again.remedies, [remedy('finish', { continue: true }), remedy('finish', { abort: true })]);
    assert.doesNotMatch(again.kind === 'failed' ? `${again.reason} ${again.hint ?? ''}` : '', /--|hotfix-deployer/);
  });

  it('continue after the conflict is resolved finishes, and the finish goes into the open incident', async () => {
    const w = new World();
    const id = await w.declare();
    await w.hotfixWithConflict();
    assert.equal((await finishHotfix(w.env(silentInteraction()), { push: false })).kind, 'stopped');
    w.git.resolveConflicts();
    const finished = await finishHotfix(w.env(silentInteraction()), { continue: true });
    assert.equal(finished.kind, 'finished', JSON.stringify(finished));
    assert.deepEqual(finished.kind === 'finished' && [finished.state.tag, finished.pushed, finished.link.incident], ['v1.4.1', false, id]);
    assert.deepEqual(await w.events(id), ['declared', 'hotfix-created', 'hotfix-finished']);
  });
});
