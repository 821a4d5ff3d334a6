// The engine's checks of what a person gives: image references by the registry's grammar, a step's
// folder inside the repository, issue keys' length, and "the only open incident" never chosen past
// one that cannot be read.
import assert from 'node:assert/strict';
import { checkImageReference } from '../../src/core/image-ref';
import { declareIncident } from '../../src/core/incident/engine';
import { MemoryIncidentStore } from '../../src/core/incident/memory-store';
import type { IncidentContext, StoredIncident } from '../../src/core/incident/ports';
import { pickIncident } from '../../src/core/incident/query';
import { ISSUE_KEY_MAX, parseIssueKey } from '../../src/core/hotfix/naming';
import { isInputFailure } from '../../src/core/result';
import { insideRepository, unknownNames } from '../../src/core/verify/validate-checks';

describe('image references a person gives', () => {
  it('takes what registries take', () => {
    for (const image of [
      'web',
      'web:1.4.2',
      'team/web:1.4.2-rc.1',
      'registry.example/team/checkout:1.4.2',
      'localhost:5000/web:latest',
      'Registry.Example:443/a__b/c-d.e:TAG_1',
      `web@sha256:${'a'.repeat(64)}`,
      `registry.example/web:1.0@sha256:${'0'.repeat(64)}`,
      '[::1]:5000/web:1',
    ]) {
      const checked = checkImageReference(image);
      assert.ok(checked.ok, `${image}: ${checked.ok ? '' : checked.reason}`);
    }
  });

  it('refuses shell text, upper-case paths, empty parts and bad digests, saying which part, as bad input', () => {
    const cases: [string, RegExp][] = [
      ['web:1.2;touch${IFS}pwned', /";" cannot appear/],
      ['web:1.2`id`|cat&', /"`" cannot appear/],
      ['WEB::;&', /";" cannot appear/],
      ['web 1.2', /" " cannot appear/],
      ['Web/App:1', /"Web" must be lower-case|"App" must be lower-case/],
      ['web:', /the tag after ":" is empty/],
      [`web:@sha256:${'a'.repeat(64)}`, /the tag after ":" is empty/],
      ['x:y:z', /"x:y" must be lower-case/],
      ['web:-x', /the tag "-x"/],
      ['web@sha256:zz', /the digest "sha256:zz"/],
      ['a@b@c', /more than one "@"/],
      ['team//web', /empty path component/],
      ['', /it is empty/],
      [`web:${'x'.repeat(200)}`, /128 at most/],
    ];
    for (const [image, why] of cases) {
      const checked = checkImageReference(image, '--image');
      assert.equal(checked.ok, false, image);
      if (checked.ok) continue;
      assert.match(checked.reason, /^--image ".*" is not an image reference: /, image);
      assert.match(checked.reason, why, image);
      assert.ok(isInputFailure(checked), `${image} is bad input`);
    }
  });
});

describe('folders and names checked before anything runs', () => {
  it('a step folder stays inside the repository', () => {
    for (const ok of ['.', 'app', 'app/../lib', './a/b/..', 'a//b']) assert.equal(insideRepository(ok), true, ok);
    for (const bad of ['..', '../x', 'a/../../b', '/etc', 'C:\\Windows', '\\\\host\\share', 'a\0b']) assert.equal(insideRepository(bad), false, bad);
  });

  it('unknown targets and suites, and a suite step outside the repository, are bad input naming what is known', () => {
    const config = { targets: { staging: { namespace: 'shop', app: 'web' } }, validate: { unit: [{ name: 'u', run: ['npm', 'test'] }], escape: [{ name: 'up', run: ['x'], cwd: '../..' }] } };
    const target = unknownNames(config, 'prod', undefined);
    assert.ok(target && isInputFailure(target));
    assert.match(target.hint ?? '', /Known targets: staging/);
    const suite = unknownNames(config, undefined, 'nightly');
    assert.ok(suite && isInputFailure(suite));
    assert.match(suite.hint ?? '', /Known suites: unit, escape/);
    assert.match(unknownNames(config, undefined, 'escape')?.reason ?? '', /the step up runs in "\.\.\/\.\.", outside the repository/);
    assert.equal(unknownNames(config, 'staging', 'unit'), undefined);
  });

  it('an issue key has a length limit', () => {
    assert.ok(parseIssueKey('PROD-2847').ok);
    const long = parseIssueKey(`PROD-${'9'.repeat(ISSUE_KEY_MAX)}`);
    assert.equal(long.ok, false);
    if (!long.ok) assert.match(long.reason, /the limit is 64/);
  });
});

/** A store in which some incidents cannot be read, as a torn or hand-edited file is. */
class PartlyUnreadable extends MemoryIncidentStore {
  readonly torn = new Set<string>();
  override async read(id: string): Promise<StoredIncident | undefined> {
    const stored = await super.read(id);
    return stored && this.torn.has(id) ? { id, version: '0', events: [], unreadable: 'not valid JSON' } : stored;
  }
}

describe('the only open incident', () => {
  let n = 0;
  const ctx = (store: PartlyUnreadable): IncidentContext => ({
    store,
    audit: { append: () => Promise.resolve() },
    clock: { now: () => new Date('2026-12-05T10:00:00Z'), sleep: () => Promise.resolve() },
    actor: 'Ada',
    random: (bytes) => Uint8Array.from({ length: bytes }, () => (n++ * 53) & 0xff),
  });
  const declare = async (c: IncidentContext, title: string) => {
    const made = await declareIncident(c, { title, severity: 'sev2', impact: 'low' });
    assert.ok(made.ok);
    return made.value.incident.id;
  };

  it('an unreadable incident counts as open: never picked past, both named', async () => {
    const store = new PartlyUnreadable();
    const c = ctx(store);
    const readable = await declare(c, 'Checkout down');
    const torn = await declare(c, 'Search slow');
    store.torn.add(torn);
    for (const prefer of ['open', 'open-else-resolved'] as const) {
      const picked = await pickIncident(c, undefined, { prefer });
      assert.equal(picked.ok, false, prefer);
      if (picked.ok) continue;
      assert.equal(picked.kind, 'ambiguous');
      assert.match(picked.reason, new RegExp(`2 incidents may be open: ${readable} .*; ${torn} cannot be read: not valid JSON\\.$`));
    }
    // Named, the readable one is used as ever.
    assert.ok((await pickIncident(c, readable)).ok);
  });

  it('the one unreadable incident alone is refused as unreadable, not passed over as "none open"', async () => {
    const store = new PartlyUnreadable();
    const c = ctx(store);
    store.torn.add(await declare(c, 'Only one'));
    const picked = await pickIncident(c, undefined, { prefer: 'open' });
    assert.equal(picked.ok, false);
    if (!picked.ok) assert.match(picked.reason, /cannot be read: not valid JSON/);
  });
});
