// The commit SHAs an image tag may carry, on top of the shared reference parsing (../image-ref.ts).
// Pure string work: no registry is asked.

import { splitImageReference, type ImageReference } from '../image-ref';

export type ImageRef = ImageReference;

/** What runs, taken apart as the API stores it (any string): see splitImageReference. */
export const parseImageRef: (image: string) => ImageRef = splitImageReference;

/** The image without its digest: what tags and patterns are matched against. */
export function withoutDigest(image: string): string {
  const at = image.indexOf('@');
  return at >= 0 ? image.slice(0, at) : image;
}

const HEX = /^[0-9a-f]{7,40}$/;

/** Whether a string can be an abbreviated or full commit SHA, as git prints them (lowercase hex). */
export function isShaLike(value: string): boolean {
  return HEX.test(value);
}

export type ShaCandidate = { readonly sha: string; readonly form: string } | { readonly rejected: string };

/**
 * The commit SHA an image tag carries, if any: the whole tag (`3f9c2ab`), `sha-<hex>`, a git
 * describe suffix (`1.4.0-3-g3f9c2ab`) or `<anything>-<hex>` / `<anything>_<hex>`. Digits-only tags
 * (`1234567`, `20240501`) are build numbers or dates far more often than commits, so they are
 * refused, as is a suffix without a letter a-f.
 */
export function shaInTag(tag: string): ShaCandidate | undefined {
  if (isShaLike(tag)) {
    return /[a-f]/.test(tag) || tag.length === 40 ? { sha: tag, form: 'the tag' } : { rejected: `tag ${tag} is all digits: read as a build number or version, not a commit` };
  }
  const prefixed = /^sha-([0-9a-f]{7,40})$/.exec(tag);
  if (prefixed?.[1]) return { sha: prefixed[1], form: 'sha-<commit>' };
  const described = /^.+-g([0-9a-f]{7,40})(?:-dirty)?$/.exec(tag);
  if (described?.[1]) return { sha: described[1], form: 'a git describe suffix' };
  const suffix = /^.+[-_]([0-9a-f]{7,40})$/.exec(tag);
  if (suffix?.[1]) {
    return /[a-f]/.test(suffix[1]) ? { sha: suffix[1], form: '<name>-<commit>' } : { rejected: `the suffix ${suffix[1]} of tag ${tag} is all digits: not read as a commit` };
  }
  return undefined;
}
