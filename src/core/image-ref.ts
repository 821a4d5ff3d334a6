// Container image references (`registry:5000/team/web:1.2@sha256:…`) split into repository, tag and
// digest, and back. A colon before the last slash belongs to the registry's port, never to a tag.
// Every image a person or a config gives is checked here, by the registry's own grammar, before it
// reaches a cluster (the API server accepts any string as an image).

import { badInput, succeeded, type Result } from './result';

export interface ImageReference {
  /** Everything before the tag: registry (with its port), path and name. */
  readonly repository: string;
  readonly tag?: string;
  /** `algorithm:hex`, without the `@`. */
  readonly digest?: string;
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Za-z0-9=_-]{32,}$/;
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;

/**
 * The parts, however odd: a digest after '@', a tag after the last ':' past the last '/' (a ':' before
 * it is a registry port). The API accepts any string as an image, so what runs is split this way.
 */
export function splitImageReference(text: string): ImageReference {
  const at = text.indexOf('@');
  const rest = at >= 0 ? text.slice(0, at) : text;
  const colon = rest.lastIndexOf(':');
  const hasTag = colon > rest.lastIndexOf('/');
  return {
    repository: hasTag ? rest.slice(0, colon) : rest,
    ...(hasTag && colon < rest.length - 1 ? { tag: rest.slice(colon + 1) } : {}),
    ...(at >= 0 && at < text.length - 1 ? { digest: text.slice(at + 1) } : {}),
  };
}

/** Undefined when the text cannot be an image reference (spaces, an empty part, a bad tag or digest). */
export function parseImageReference(text: string): ImageReference | undefined {
  const ref = splitImageReference(text);
  const { repository, tag, digest } = ref;
  if (!REPOSITORY.test(repository) || repository.endsWith('/') || repository.includes('//')) return undefined;
  if (text.endsWith(':') || text.endsWith('@')) return undefined;
  if (tag !== undefined && !TAG.test(tag)) return undefined;
  if (digest !== undefined && !DIGEST.test(digest)) return undefined;
  return ref;
}

export function formatImageReference(ref: ImageReference): string {
  return `${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The last path segment of a repository: `web` for `localhost:5000/team/web`. */
export function imageName(repository: string): string {
  return repository.slice(repository.lastIndexOf('/') + 1);
}

// The grammar of github.com/distribution/reference: a path component is lower-case alphanumerics
// joined by `.`, `_`, `__` or dashes; the first component is a registry when it has a `.` or a `:`,
// or is `localhost`.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;
const STRICT_DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const MAX_NAME = 255;

/** Shown with every refusal: what an image reference looks like. */
const EXAMPLE = 'e.g. registry.example/team/checkout:1.4.2 or checkout@sha256:<64 hex digits>';

/**
 * The image reference a person or a config gave, checked strictly; the reason names the part that is
 * wrong. `what` says where it came from (`--image`, `targets.web.image`).
 */
export function checkImageReference(text: string, what = 'the image'): Result<ImageReference> {
  const refuse = (why: string) => badInput(`${what} ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)} is not an image reference: ${why}.`, `Give one such as ${EXAMPLE}.`);
  if (text.length === 0) return refuse('it is empty');
  // Whitespace, quotes, shell and control characters can never be part of one.
  const stray = /[^A-Za-z0-9._:/@[\]-]/.exec(text);
  if (stray) return refuse(`${JSON.stringify(stray[0])} cannot appear in one`);
  if ((text.match(/@/g) ?? []).length > 1) return refuse('it has more than one "@"');
  const ref = splitImageReference(text);
  if (/:(@|$)/.test(text)) return refuse('the tag after ":" is empty');
  if (text.endsWith('@')) return refuse('the digest after "@" is empty');
  if (ref.tag !== undefined && !TAG.test(ref.tag)) return refuse(`the tag "${ref.tag}" must be letters, digits, "_", "." or "-" (128 at most), not starting with "." or "-"`);
  if (ref.digest !== undefined && !STRICT_DIGEST.test(ref.digest)) return refuse(`the digest "${ref.digest}" must be algorithm:hex, e.g. sha256: and 64 hex digits`);
  if (ref.repository.length > MAX_NAME) return refuse(`the name is longer than ${MAX_NAME} characters`);
  const parts = ref.repository.split('/');
  const first = parts[0] ?? '';
  const hasDomain = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  if (hasDomain && !DOMAIN.test(first)) return refuse(`the registry "${first}" is not a host name with an optional :port`);
  for (const part of hasDomain ? parts.slice(1) : parts) {
    if (part === '') return refuse('it has an empty path component ("//", or a "/" at an end)');
    if (!PATH_COMPONENT.test(part)) return refuse(`"${part}" must be lower-case letters and digits joined by ".", "_" or "-"`);
  }
  return succeeded(ref);
}
