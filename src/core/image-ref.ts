// Container image references (`registry:5000/team/web:1.2@sha256:…`) split into repository, tag and
// digest, and back. A colon before the last slash belongs to the registry's port, never to a tag.

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
