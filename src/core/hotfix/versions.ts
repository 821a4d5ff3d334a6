// Release tags: which tags are releases (prefix + semver without prerelease), which is the highest
// (v1.10.0 above v1.9.0), and which patch version a hotfix gets next.

import { semver } from '../semver';
import type { GitRepo, TagRef } from './ports';

/** X.Y.Z as semver writes it: no leading zeros (and, below, safe integers in at most 256 characters). */
const PLAIN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
const MAX_LENGTH = 256;

/**
 * Whether `text` is a plain X.Y.Z that semver takes as it is (semver.valid(text) === text, no pre-release,
 * no build): its own rules, checked without its parser, since a repository has thousands of tags and a
 * CLI run is compiled cold.
 */
export function isPlainVersion(text: string): boolean {
  const parts = text.length <= MAX_LENGTH ? PLAIN.exec(text) : null;
  return parts !== null && Number(parts[1]) <= Number.MAX_SAFE_INTEGER && Number(parts[2]) <= Number.MAX_SAFE_INTEGER && Number(parts[3]) <= Number.MAX_SAFE_INTEGER;
}

export interface ReleaseTag extends TagRef {
  readonly version: string;
}

/** The version a tag names when it is a release with this prefix, else undefined. */
export function releaseVersion(tagName: string, prefix: string): string | undefined {
  if (!tagName.startsWith(prefix)) {
    return undefined;
  }
  const rest = tagName.slice(prefix.length);
  // A release is exactly prefix + X.Y.Z, as semver reads it (no leading zeros).
  return isPlainVersion(rest) ? rest : undefined;
}

/** Release tag names in descending order (semver order for X.Y.Z), each slice made when asked for. */
export interface ReleaseOrder {
  readonly length: number;
  slice(from: number, to: number): string[];
}

/** Below these, major·2^34 + minor·2^17 + patch is an exact double, ordered as the versions are. */
const LIMB = 2 ** 17;
const MAJOR_LIMIT = 2 ** 19;

/**
 * The releases among the tag `names`, highest first. Most repositories' release numbers pack into one
 * double each, sorted by the typed array's own numeric sort: a comparator, run cold over 10,000 tags on
 * a CLI run, costs ~100 ms. A release with larger numbers sends them all through the comparator.
 */
export function releaseOrder(names: readonly string[], prefix: string): ReleaseOrder {
  const keys = new Float64Array(names.length);
  const byKey = new Map<number, string>();
  for (const name of names) {
    const parts = name.startsWith(prefix) ? PLAIN.exec(name.slice(prefix.length)) : null;
    if (parts === null) continue;
    // Within the limits the text is short and its numbers safe integers: what isPlainVersion checks too.
    const [major, minor, patch] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
    if (!(major < MAJOR_LIMIT && minor < LIMB && patch < LIMB)) return comparedOrder(names, prefix);
    const key = (major * LIMB + minor) * LIMB + patch;
    keys[byKey.size] = key;
    byKey.set(key, name);
  }
  const sorted = keys.subarray(0, byKey.size).sort();
  const at = (i: number): string => byKey.get(sorted[sorted.length - 1 - i] ?? 0) ?? '';
  return { length: sorted.length, slice: (from, to) => Array.from({ length: Math.max(0, Math.min(to, sorted.length) - from) }, (_, i) => at(from + i)) };
}

/** The order of releases whose numbers do not pack: each pair compared. */
function comparedOrder(names: readonly string[], prefix: string): ReleaseOrder {
  const releases: { name: string; n: number[] }[] = [];
  for (const name of names) {
    const version = releaseVersion(name, prefix);
    if (version !== undefined) releases.push({ name, n: version.split('.').map(Number) });
  }
  releases.sort((a, b) => (b.n[0] ?? 0) - (a.n[0] ?? 0) || (b.n[1] ?? 0) - (a.n[1] ?? 0) || (b.n[2] ?? 0) - (a.n[2] ?? 0));
  return { length: releases.length, slice: (from, to) => releases.slice(from, to).map((r) => r.name) };
}

/** How many releases, from the top, each reachability question names: most answers come from the first. */
const BATCHES = [64, 1024];

/**
 * The highest release tag reachable from `ref` (the production branch, or the base asked for): what
 * the highest release among git.tags(ref) would be, for less. Usually it is among the highest releases of all, so git
 * is asked about the top few by name first (cheap: it tests only those), and about more only when none of
 * them is reachable; `--merged` over every tag of a large repository walks its whole history.
 */
export async function highestReachableRelease(git: Pick<GitRepo, 'tags' | 'tagNames'>, prefix: string, ref: string): Promise<ReleaseTag | undefined> {
  const candidates = releaseOrder(await git.tagNames(), prefix);
  let from = 0;
  for (const size of [...BATCHES, candidates.length]) {
    const batch = candidates.slice(from, Math.max(from, size));
    if (batch.length === 0) continue;
    const reachable = new Map((await git.tags(ref, batch)).map((t) => [t.name, t]));
    const found = batch.find((name) => reachable.has(name));
    const tag = found === undefined ? undefined : reachable.get(found);
    if (tag) return { ...tag, version: tag.name.slice(prefix.length) };
    from += batch.length;
  }
  return undefined;
}

/** The next patch tag after `baseline` with its prefix, skipping versions already tagged. */
export function nextPatchTag(baseline: string, prefix: string, taken: ReadonlySet<string>): string {
  let version = semver().inc(baseline, 'patch');
  if (version === null) {
    throw new Error(`not a semantic version: ${baseline}`);
  }
  while (taken.has(`${prefix}${version}`)) {
    version = semver().inc(version, 'patch') ?? version;
  }
  return `${prefix}${version}`;
}
