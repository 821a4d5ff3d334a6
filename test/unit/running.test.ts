import assert from 'node:assert/strict';
import type { GitRepo, TagRef } from '../../src/core/hotfix/ports';
import { compareRunning, describeDrift, mapToCommit, matchTagPattern, parseImageRef, shaInTag, type MappingInput } from '../../src/core/running';

const A = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const B = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0';
const C = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';

/** A repository with these commits and tags; any other call is a test failure. */
function fakeGit(commits: readonly string[], tags: readonly TagRef[], counts: Record<string, number> = {}): GitRepo {
  const known: Partial<GitRepo> = {
    resolveCommit: (ref) => {
      const tag = tags.find((t) => t.name === ref);
      if (tag) return Promise.resolve(tag.sha);
      const matches = commits.filter((c) => c.startsWith(ref));
      return Promise.resolve(matches.length === 1 ? matches[0] : undefined);
    },
    tags: () => Promise.resolve([...tags]),
    countCommits: (base, head) => Promise.resolve(counts[`${base}..${head}`] ?? 0),
  };
  return new Proxy(known as GitRepo, {
    get(target, key: string) {
      const value = (target as unknown as Record<string, unknown>)[key];
      if (value === undefined) throw new Error(`unexpected git call ${key}`);
      return value;
    },
  });
}

const input = (image: string, extra: Partial<MappingInput> = {}): MappingInput => ({
  image: { container: 'app', image, ...parseImageRef(image) },
  templateAnnotations: {},
  deploymentAnnotations: {},
  tagPatternKey: 'targets.production.tagPattern',
  tagPrefix: 'v',
  ...extra,
});

describe('running: image references', () => {
  it('takes registry ports, tags and digests apart', () => {
    assert.deepEqual(parseImageRef('registry:5000/team/web:1.4.0@sha256:abc'), { repository: 'registry:5000/team/web', tag: '1.4.0', digest: 'sha256:abc' });
    assert.deepEqual(parseImageRef('registry:5000/team/web'), { repository: 'registry:5000/team/web' });
    assert.deepEqual(parseImageRef('web@sha256:abc'), { repository: 'web', digest: 'sha256:abc' });
    assert.deepEqual(parseImageRef('web:latest'), { repository: 'web', tag: 'latest' });
  });

  it('finds a SHA in a tag only where one is meant', () => {
    assert.deepEqual(shaInTag('3f9c2ab'), { sha: '3f9c2ab', form: 'the tag' });
    assert.deepEqual(shaInTag('sha-3f9c2ab1'), { sha: '3f9c2ab1', form: 'sha-<commit>' });
    assert.deepEqual(shaInTag('1.4.0-3-g3f9c2ab'), { sha: '3f9c2ab', form: 'a git describe suffix' });
    assert.deepEqual(shaInTag('main-3f9c2ab'), { sha: '3f9c2ab', form: '<name>-<commit>' });
    assert.ok(shaInTag('1234567') && 'rejected' in (shaInTag('1234567') ?? {}), 'a digits-only tag is a build number');
    assert.ok('rejected' in (shaInTag('build-20240501') ?? {}), 'a digits-only suffix is a date');
    for (const tag of ['1.4.0', 'v1.4.0', 'latest', 'abc', '3F9C2AB', 'release-2']) assert.equal(shaInTag(tag), undefined, tag);
  });
});

describe('running: tag patterns', () => {
  it('reads {version}, {sha} and {tag}, with or without the registry', () => {
    assert.deepEqual(matchTagPattern('registry.example/web:{version}', 'registry.example/web:1.4.0'), { version: '1.4.0' });
    assert.deepEqual(matchTagPattern('web:{version}', 'registry.example/team/web:1.4.0@sha256:ff'), { version: '1.4.0' });
    assert.deepEqual(matchTagPattern('web:sha-{sha}', 'web:sha-3f9c2ab'), { sha: '3f9c2ab' });
    assert.deepEqual(matchTagPattern('web:{tag}', 'web:v1.4.0'), { tag: 'v1.4.0' });
    assert.deepEqual(matchTagPattern('release-{version}-*', 'web:release-2.1.0-amd64'), { version: '2.1.0' });
  });

  it('does not match another repository or another shape', () => {
    assert.equal(matchTagPattern('web:{version}', 'api:1.4.0'), undefined);
    assert.equal(matchTagPattern('registry.example/web:{version}', 'other.example/web:1.4.0'), undefined);
    assert.equal(matchTagPattern('web:{version}', 'web:latest'), undefined);
    assert.equal(matchTagPattern('web:sha-{sha}', 'web:sha-XYZ1234'), undefined);
  });
});

describe('running: mapping rules', () => {
  const git = fakeGit([A, B, C], [{ name: 'v1.4.0', sha: A }, { name: 'v1.5.0', sha: B }, { name: 'latest', sha: C }]);

  it("trusts the tool's template annotation only while it names the running image", async () => {
    const annotated = { 'hotfix-deployer.io/git-sha': C, 'hotfix-deployer.io/image': 'web:1.4.0', 'hotfix-deployer.io/branch': 'hotfix/PROD-1-x' };
    const trusted = await mapToCommit(git, input('web:1.4.0', { templateAnnotations: annotated }));
    assert.deepEqual([trusted.commit?.sha, trusted.commit?.via, trusted.commit?.branch], [C, 'annotation', 'hotfix/PROD-1-x']);
    const stale = await mapToCommit(git, input('web:1.5.0', { templateAnnotations: annotated }));
    assert.deepEqual([stale.commit?.sha, stale.commit?.via], [B, 'image-tag']);
    assert.match(stale.tried[0] ?? '', /stale: it was written for web:1\.4\.0, but app runs web:1\.5\.0/);
  });

  it('reads the OCI revision, per container first', async () => {
    const m = await mapToCommit(git, input('web:1.4.0', { templateAnnotations: { 'org.opencontainers.image.revision': A, 'org.opencontainers.image.revision.app': C.slice(0, 10) } }));
    assert.deepEqual([m.commit?.sha, m.commit?.via], [C, 'oci-revision']);
  });

  it('uses the tag pattern before a bare image tag', async () => {
    const m = await mapToCommit(git, input('web:1.5.0', { tagPattern: 'web:{version}' }));
    assert.deepEqual([m.commit?.sha, m.commit?.via, m.commit?.tag], [B, 'tag-pattern', 'v1.5.0']);
  });

  it('says a SHA is not in this clone, and which rules it tried', async () => {
    const m = await mapToCommit(git, input('web:sha-deadbeef', { tagPattern: 'web:{version}' }));
    assert.equal(m.commit, undefined);
    assert.equal(m.tried.length, 5);
    assert.match(m.tried.join('\n'), /annotation: .*\noci-revision: .*\ntag-pattern: web:sha-deadbeef does not match web:\{version\}\nimage-tag: sha-deadbeef is not a git tag here \(nor vsha-deadbeef\)\nimage-sha: commit deadbeef is not in this clone: git fetch/);
  });

  it('maps an image tag that is a SHA, and never latest', async () => {
    const m = await mapToCommit(git, input(`web:${C.slice(0, 7)}`));
    assert.deepEqual([m.commit?.sha, m.commit?.via], [C, 'image-sha']);
    const latest = await mapToCommit(git, input('web:latest'));
    assert.equal(latest.commit, undefined);
    assert.match(latest.tried.join('\n'), /latest names no fixed commit/);
  });
});

describe('running: drift', () => {
  it('is none on the same commit, and counts both ways otherwise', async () => {
    const git = fakeGit([A, B], [], { [`${A}..${B}`]: 2, [`${B}..${A}`]: 0 });
    assert.equal(await compareRunning(git, { name: 'v1.5.0', sha: B }, B), undefined);
    const drift = await compareRunning(git, { name: 'v1.5.0', sha: B }, A);
    assert.deepEqual(drift, { expected: 'v1.5.0', expectedSha: B, runningSha: A, relation: 'behind', behind: 2, ahead: 0 });
    assert.match(describeDrift(drift), /runs a1b2c3d4e5f6, which is 2 commits behind v1\.5\.0 \(b0b0b0b0b0b0\)/);
  });
});
