// Release tags: which tags are releases (prefix + semver without prerelease), which is the highest
// (v1.10.0 above v1.9.0), and which patch version a hotfix gets next.

import semver from 'semver';
import type { TagRef } from './ports';

const XYZ = /^\d+\.\d+\.\d+$/;

export interface ReleaseTag extends TagRef {
  readonly version: string;
}

/** The version a tag names when it is a release with this prefix, else undefined. */
export function releaseVersion(tagName: string, prefix: string): string | undefined {
  if (!tagName.startsWith(prefix)) {
    return undefined;
  }
  const rest = tagName.slice(prefix.length);
  // A release is exactly prefix + X.Y.Z: the cheap test first (repositories have thousands of tags);
  // semver then refuses what the pattern lets through, such as leading zeros.
  if (!XYZ.test(rest) || semver.valid(rest) !== rest) {
    return undefined;
  }
  return rest;
}

/** Releases, highest first, by their X.Y.Z numbers (semver order for releases; cheap for thousands). */
export function releasesDescending(tags: readonly TagRef[], prefix: string): ReleaseTag[] {
  const releases: { tag: ReleaseTag; n: number[] }[] = [];
  for (const tag of tags) {
    const version = releaseVersion(tag.name, prefix);
    if (version !== undefined) releases.push({ tag: { ...tag, version }, n: version.split('.').map(Number) });
  }
  releases.sort((a, b) => (b.n[0] ?? 0) - (a.n[0] ?? 0) || (b.n[1] ?? 0) - (a.n[1] ?? 0) || (b.n[2] ?? 0) - (a.n[2] ?? 0));
  return releases.map((r) => r.tag);
}

/** The highest release in one pass (no sort): semver order, so v1.10.0 is above v1.9.0. */
export function highestRelease(tags: readonly TagRef[], prefix: string): ReleaseTag | undefined {
  let best: ReleaseTag | undefined;
  for (const tag of tags) {
    const version = releaseVersion(tag.name, prefix);
    if (version !== undefined && (best === undefined || semver.gt(version, best.version))) {
      best = { ...tag, version };
    }
  }
  return best;
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
