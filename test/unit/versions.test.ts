import assert from 'node:assert/strict';
import fc from 'fast-check';
import semver from 'semver';
import { highestRelease, isPlainVersion, nextPatchTag, releaseVersion } from '../../src/core/hotfix/versions';
import { parseSeverity } from '../../src/core/severity';
import { propertyRuns } from './properties';

const tag = (name: string) => ({ name, sha: name });

describe('release tags', () => {
  it('orders versions numerically: v1.10.0 is above v1.9.0', () => {
    const tags = ['v1.9.0', 'v1.10.0', 'v1.2.0'].map(tag);
    assert.equal(highestRelease(tags, 'v')?.name, 'v1.10.0');
  });

  it('ignores prereleases, other prefixes and non-semver tags', () => {
    const tags = ['v2.0.0-rc.1', 'v1.4.2', 'latest', '3.0.0', 'v1.4', 'vv9.0.0', 'release-9.0.0'].map(tag);
    assert.equal(highestRelease(tags, 'v')?.name, 'v1.4.2');
    assert.equal(highestRelease(tags, '')?.name, '3.0.0');
    assert.equal(releaseVersion('v1.2.3', ''), undefined, 'a bare prefix does not accept v-tags');
    assert.equal(highestRelease(['latest', 'v2.0.0-rc.1'].map(tag), 'v'), undefined);
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
