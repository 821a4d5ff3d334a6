import assert from 'node:assert/strict';
import fc from 'fast-check';
import semver from 'semver';
import { highestReachableRelease, isPlainVersion, nextPatchTag, releaseOrder, releaseVersion } from '../../src/core/hotfix/versions';
import { parseSeverity } from '../../src/core/severity';
import { propertyRuns } from './properties';

const tag = (name: string) => ({ name, sha: name });

describe('release tags', () => {
  const highest = (names: string[], prefix: string) => releaseOrder(names, prefix).slice(0, 1)[0];

  it('orders versions numerically: v1.10.0 is above v1.9.0', () => {
    assert.equal(highest(['v1.9.0', 'v1.10.0', 'v1.2.0'], 'v'), 'v1.10.0');
  });

  it('ignores prereleases, other prefixes and non-semver tags', () => {
    const names = ['v2.0.0-rc.1', 'v1.4.2', 'latest', '3.0.0', 'v1.4', 'vv9.0.0', 'release-9.0.0'];
    assert.equal(highest(names, 'v'), 'v1.4.2');
    assert.equal(highest(names, ''), '3.0.0');
    assert.equal(releaseVersion('v1.2.3', ''), undefined, 'a bare prefix does not accept v-tags');
    assert.equal(highest(['latest', 'v2.0.0-rc.1'], 'v'), undefined);
  });

  it('reads a plain X.Y.Z as semver does, without its parser', () => {
    const numbers = fc.oneof(fc.constantFrom('0', '00', '01', '9007199254740991', '9007199254740992', '99999999999999999999', '1'.repeat(130)), fc.nat().map(String));
    const texts = fc.oneof(
      fc.tuple(numbers, numbers, numbers).map((parts) => parts.join('.')),
      fc.tuple(numbers, numbers, numbers, fc.constantFrom('-rc.1', '+b', ' ', '.0', '')).map(([a, b, c, tail]) => `${a}.${b}.${c}${tail}`),
      fc.string({ unit: fc.constantFrom('0', '1', '9', '.', '-', 'v', '+', ' ', 'a'), maxLength: 12 }),
    );
    fc.assert(
      fc.property(texts, (text) => {
        assert.equal(isPlainVersion(text), /^\d+\.\d+\.\d+$/.test(text) && semver.valid(text) === text, text);
      }),
      propertyRuns(2000),
    );
  });

  it('lists releases highest first in semver order, with small numbers and with numbers past 2^17', () => {
    const number = fc.oneof(fc.nat({ max: 40 }), fc.constantFrom(131071, 131072, 524287, 524288, 9007199254740991));
    const name = fc.oneof(
      fc.tuple(fc.constantFrom('v', '', 'release-'), number, number, number).map(([p, a, b, c]) => `${p}${a}.${b}.${c}`),
      fc.constantFrom('v1.2.3-rc.1', 'latest', 'v01.2.3', 'build-17'),
    );
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 60 }), fc.constantFrom('v', ''), (names, prefix) => {
        const expected = names.filter((n) => releaseVersion(n, prefix) !== undefined).sort((a, b) => semver.rcompare(a.slice(prefix.length), b.slice(prefix.length)));
        const order = releaseOrder(names, prefix);
        assert.deepEqual(order.slice(0, order.length), expected);
      }),
      propertyRuns(1000),
    );
  });

  it('finds the highest reachable release past the first batch of 64, asking git about the top ones first', async () => {
    const tags = Array.from({ length: 2000 }, (_, i) => tag(`v1.${Math.floor(i / 100)}.${i % 100}`));
    const asked: number[] = [];
    // Reachable: v1.2.x and below; the 64 highest (v1.19.36 and up) are not, nor the next 1,024.
    const reachable = (name: string) => Number(name.split('.')[1]) <= 2;
    const git = {
      tagNames: () => Promise.resolve(tags.map((t) => t.name)),
      tags: (_ref?: string, names?: readonly string[]) => {
        asked.push(names?.length ?? -1);
        return Promise.resolve((names ?? []).filter(reachable).map(tag));
      },
    };
    const found = await highestReachableRelease(git, 'v', 'production');
    assert.deepEqual(found, { name: 'v1.2.99', sha: 'v1.2.99', version: '1.2.99' });
    assert.deepEqual(asked, [64, 960, 976]);
  });

  it('bumps the patch version with the same prefix, skipping taken versions', () => {
    assert.equal(nextPatchTag('2.1.0', 'v', new Set()), 'v2.1.1');
    assert.equal(nextPatchTag('2.1.0', 'v', new Set(['v2.1.1', 'v2.1.2'])), 'v2.1.3');
    assert.equal(nextPatchTag('1.9.9', '', new Set()), '1.9.10');
  });
});

describe('severity', () => {
  it('reads SEV levels, digits and words', () => {
    assert.equal(parseSeverity('sev1'), 'SEV1');
    assert.equal(parseSeverity('SEV0'), 'SEV0');
    assert.equal(parseSeverity('2'), 'SEV2');
    assert.equal(parseSeverity('critical'), 'SEV0');
    assert.equal(parseSeverity('low'), 'SEV3');
    assert.equal(parseSeverity('sev4'), undefined);
    assert.equal(parseSeverity('urgent!'), undefined);
  });
});
