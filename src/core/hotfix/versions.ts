// Release tags: which tags are releases (prefix + semver without prerelease), which is the highest
// (v1.10.0 above v1.9.0), and which patch version a hotfix gets next.

import semver from 'semver';
import type { TagRef } from './ports';

export interface ReleaseTag extends TagRef {
  readonly version: string;
}

/** The version a tag names when it is a release with this prefix, else undefined. */
export function releaseVersion(tagName: string, prefix: string): string | undefined {
  if (!tagName.startsWith(prefix)) {
    return undefined;
  }
  const rest = tagName.slice(prefix.length);
  // semver.valid forgives a leading "v" or "="; a release tag must be exactly prefix + version.
  if (semver.valid(rest) !== rest || semver.prerelease(rest) !== null) {
    return undefined;
  }
  return rest;
}

export function releaseTags(tags: readonly TagRef[], prefix: string): ReleaseTag[] {
  const releases: ReleaseTag[] = [];
  for (const tag of tags) {
    const version = releaseVersion(tag.name, prefix);
    if (version !== undefined) {
      releases.push({ ...tag, version });
    }
  }
  return releases.sort((a, b) => semver.rcompare(a.version, b.version));
}

export function highestRelease(tags: readonly TagRef[], prefix: string): ReleaseTag | undefined {
  return releaseTags(tags, prefix)[0];
}

/** The next patch tag after `baseline` with its prefix, skipping versions already tagged. */
export function nextPatchTag(baseline: string, prefix: string, taken: ReadonlySet<string>): string {
  let version = semver.inc(baseline, 'patch');
  if (version === null) {
    throw new Error(`not a semantic version: ${baseline}`);
  }
  while (taken.has(`${prefix}${version}`)) {
    version = semver.inc(version, 'patch') ?? version;
  }
  return `${prefix}${version}`;
}
