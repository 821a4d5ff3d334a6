// The rules that map a running image to a commit, in order of trust: the tool's own template
// annotations (checked against the image), the OCI revision annotation, the target's tag pattern,
// an image tag that is a git tag, an image tag that carries a SHA. Each rule that gives nothing
// says why, so a person can see what was tried; a SHA counts only when this clone has the commit.

import type { GitRepo, TagRef } from '../hotfix/ports';
import { isShaLike, shaInTag, withoutDigest } from './image-ref';
import { GIT_SHA, BRANCH, IMAGE, OCI_REVISION, type MappingRule, type RunningCommit, type RunningImage } from './types';

export interface MappingInput {
  readonly image: RunningImage;
  /** The pod template's annotations (of the current ReplicaSet). */
  readonly templateAnnotations: Readonly<Record<string, string>>;
  /** The Deployment's own annotations: only mentioned, never trusted (kubectl set image leaves them stale). */
  readonly deploymentAnnotations: Readonly<Record<string, string>>;
  readonly tagPattern?: string;
  /** Where the pattern is configured, for the messages (`targets.production.tagPattern`). */
  readonly tagPatternKey: string;
  readonly tagPrefix: string;
}

export interface Mapping {
  readonly commit?: RunningCommit;
  readonly tried: readonly string[];
}

export interface PatternMatch {
  readonly version?: string;
  readonly sha?: string;
  readonly tag?: string;
}

const PLACEHOLDERS: Readonly<Record<string, string>> = {
  version: '(\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?)',
  sha: '([0-9a-f]{7,40})',
  tag: '([A-Za-z0-9_][A-Za-z0-9_.-]*)',
};

/**
 * Matches an image against a pattern such as `registry.example/web:{version}`, `web:sha-{sha}` or,
 * without a ':', a pattern for the tag alone (`v{version}-*`). A pattern without a registry also
 * matches the last path segment of the image (`web:{version}` matches `registry.example/team/web:1.4.0`).
 */
export function matchTagPattern(pattern: string, image: string): PatternMatch | undefined {
  const names: string[] = [];
  const source = pattern
    .split(/(\{version\}|\{sha\}|\{tag\}|\*)/)
    .map((part) => {
      const key = /^\{(version|sha|tag)\}$/.exec(part)?.[1];
      if (key) {
        names.push(key);
        return PLACEHOLDERS[key];
      }
      return part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  const regex = new RegExp(`^${source}$`);
  const named = withoutDigest(image);
  const slash = named.lastIndexOf('/');
  const subjects = !pattern.includes(':')
    ? [named.lastIndexOf(':') > slash ? named.slice(named.lastIndexOf(':') + 1) : '']
    : pattern.includes('/') ? [named] : [named, named.slice(slash + 1)];
  for (const subject of subjects) {
    const m = regex.exec(subject);
    if (m) return Object.fromEntries(names.map((name, i) => [name, m[i + 1] ?? '']));
  }
  return undefined;
}

const short = (sha: string) => sha.slice(0, 12);

/** Walks the rules in order; the first that gives a commit in this clone wins. */
export async function mapToCommit(git: GitRepo, input: MappingInput): Promise<Mapping> {
  const tried: string[] = [];
  let allTags: Promise<TagRef[]> | undefined;
  const tags = () => (allTags ??= git.tags());
  /** The full SHA, when this clone has the commit that `sha` abbreviates (a ref named like it does not count). */
  const inClone = async (sha: string, rule: MappingRule): Promise<string | undefined> => {
    const wanted = sha.toLowerCase();
    const found = await git.resolveCommit(wanted);
    if (found?.startsWith(wanted)) return found;
    tried.push(`${rule}: commit ${wanted} is not in this clone: git fetch (or check the image's provenance)`);
    return undefined;
  };
  const tagNamed = async (names: readonly string[]) => (await tags()).find((t) => names.includes(t.name));
  const { image, templateAnnotations: tmpl } = input;
  const rules: (() => Promise<RunningCommit | undefined>)[] = [
    async () => {
      const sha = tmpl[GIT_SHA];
      if (sha === undefined) {
        const stale = input.deploymentAnnotations[GIT_SHA];
        tried.push(
          stale !== undefined
            ? `annotation: the pod template has no ${GIT_SHA}; the Deployment's (${short(stale)}) is not trusted, as kubectl set image and rollout undo leave it stale`
            : `annotation: the pod template has no ${GIT_SHA} (deploys through hotfix-deployer write one)`,
        );
        return undefined;
      }
      const written = tmpl[IMAGE];
      const same = written !== undefined && (written === image.image || (!written.includes('@') && written === withoutDigest(image.image)));
      if (!same) {
        tried.push(
          written === undefined
            ? `annotation: ${GIT_SHA} ${short(sha)} has no ${IMAGE} beside it to check it against the running image, so it is not trusted`
            : `annotation: ${GIT_SHA} ${short(sha)} is stale: it was written for ${written}, but ${image.container} runs ${image.image}`,
        );
        return undefined;
      }
      if (!isShaLike(sha.toLowerCase())) {
        tried.push(`annotation: ${GIT_SHA} "${sha}" is not a commit SHA`);
        return undefined;
      }
      const full = await inClone(sha, 'annotation');
      const branch = tmpl[BRANCH];
      return full ? { sha: full, via: 'annotation', detail: `pod template annotation ${GIT_SHA}, written with ${written}`, ...(branch ? { branch } : {}) } : undefined;
    },
    async () => {
      const key = tmpl[`${OCI_REVISION}.${image.container}`] !== undefined ? `${OCI_REVISION}.${image.container}` : OCI_REVISION;
      const value = tmpl[key];
      if (value === undefined) {
        tried.push(`oci-revision: the pod template has no ${OCI_REVISION} annotation`);
        return undefined;
      }
      if (!isShaLike(value.toLowerCase())) {
        tried.push(`oci-revision: ${key} "${value}" is not a commit SHA`);
        return undefined;
      }
      const full = await inClone(value, 'oci-revision');
      return full ? { sha: full, via: 'oci-revision', detail: `pod template annotation ${key}` } : undefined;
    },
    async () => {
      if (input.tagPattern === undefined) {
        tried.push(`tag-pattern: none configured (${input.tagPatternKey})`);
        return undefined;
      }
      const m = matchTagPattern(input.tagPattern, image.image);
      if (!m) {
        tried.push(`tag-pattern: ${image.image} does not match ${input.tagPattern}`);
        return undefined;
      }
      if (m.sha !== undefined) {
        const full = await inClone(m.sha, 'tag-pattern');
        return full ? { sha: full, via: 'tag-pattern', detail: `${input.tagPattern}: {sha} = ${m.sha}` } : undefined;
      }
      const names = m.version !== undefined ? [`${input.tagPrefix}${m.version}`, m.version] : m.tag !== undefined ? [m.tag, `${input.tagPrefix}${m.tag}`] : [];
      if (names.length === 0) {
        tried.push(`tag-pattern: ${input.tagPattern} has no {version}, {tag} or {sha} to read a commit from`);
        return undefined;
      }
      const found = await tagNamed(names);
      if (!found) {
        tried.push(`tag-pattern: ${input.tagPattern} reads ${m.version !== undefined ? 'version' : 'tag'} ${m.version ?? m.tag ?? ''}, but there is no git tag ${names[0] ?? ''} here: git fetch --tags`);
        return undefined;
      }
      return { sha: found.sha, via: 'tag-pattern', detail: `${input.tagPattern}: ${m.version !== undefined ? `{version} = ${m.version}` : `{tag} = ${m.tag ?? ''}`} = git tag ${found.name}`, tag: found.name };
    },
    async () => {
      if (image.tag === undefined) {
        tried.push(`image-tag: ${image.image} has no tag`);
        return undefined;
      }
      if (image.tag === 'latest') {
        tried.push('image-tag: latest names no fixed commit');
        return undefined;
      }
      const found = await tagNamed([image.tag, `${input.tagPrefix}${image.tag}`]);
      if (!found) {
        tried.push(`image-tag: ${image.tag} is not a git tag here${input.tagPrefix ? ` (nor ${input.tagPrefix}${image.tag})` : ''}`);
        return undefined;
      }
      return { sha: found.sha, via: 'image-tag', detail: `image tag ${image.tag} = git tag ${found.name}`, tag: found.name };
    },
    async () => {
      const candidate = image.tag === undefined ? undefined : shaInTag(image.tag);
      if (!candidate || 'rejected' in candidate) {
        tried.push(`image-sha: ${candidate ? candidate.rejected : image.tag === undefined ? 'no tag to read a commit from' : `tag ${image.tag} carries no commit SHA`}`);
        return undefined;
      }
      const full = await inClone(candidate.sha, 'image-sha');
      return full ? { sha: full, via: 'image-sha', detail: `image tag ${image.tag ?? ''}: commit ${candidate.sha} (${candidate.form})` } : undefined;
    },
  ];
  for (const rule of rules) {
    const commit = await rule();
    if (commit) return { commit, tried };
  }
  return { tried };
}
