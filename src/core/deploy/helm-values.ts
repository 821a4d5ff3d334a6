// Pure parts of the Helm support: which release a target is, the --set values that carry a deployed
// image into a chart, and the images a rendered manifest runs (to check the chart makes of the values
// the image that was asked for, before anything is written).

import type { HelmSettings, Target } from '../config/targets';
import { splitImageReference } from '../image-ref';
import { badInput, succeeded, type Result } from '../result';

/** Helm sets these on every object it installs. */
export const RELEASE_NAME = 'meta.helm.sh/release-name';
export const RELEASE_NAMESPACE = 'meta.helm.sh/release-namespace';

export interface HelmRelease {
  readonly release: string;
  readonly namespace: string;
  /** Whether the config says so (else it was detected from the workload's annotations). */
  readonly configured: boolean;
}

/**
 * The release a target is: the config's, else the workload's annotations, else (helm: configured with
 * no release) the app name. Undefined: not a Helm release.
 */
export function helmReleaseOf(target: Target, annotations?: Readonly<Record<string, string>>): HelmRelease | undefined {
  const named = annotations?.[RELEASE_NAME];
  const namespace = annotations?.[RELEASE_NAMESPACE];
  if (target.helm) {
    return { release: target.helm.release ?? named ?? target.app, namespace: target.helm.namespace ?? namespace ?? target.namespace, configured: true };
  }
  return named ? { release: named, namespace: namespace ?? target.namespace, configured: false } : undefined;
}

/**
 * The --set values that make the chart run `image`. tag: only the tag (with `@digest` when there is
 * one; a digest alone as `@digest`), and the repository at repositoryValue when configured;
 * reference: the whole image. Whether the chart renders the image from them is checked by a dry-run.
 */
export function helmImageValues(image: string, settings: HelmSettings): Result<Record<string, string>> {
  const key = settings.imageValue;
  if (key === undefined) return badInput('No helm.imageValue is configured: which value carries the image?', 'Set helm.imageValue, e.g. image.tag.');
  if (settings.imageFormat === 'reference') return succeeded({ [key]: image });
  const ref = splitImageReference(image);
  const part = `${ref.tag ?? ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
  if (part === '') return badInput(`${image} has neither a tag nor a digest for ${key}.`, 'Give the image with its tag, e.g. web:1.4.2.');
  return succeeded({ [key]: part, ...(settings.repositoryValue !== undefined ? { [settings.repositoryValue]: ref.repository } : {}) });
}

/** The container images a rendered manifest names (the `image:` fields), in order, without duplicates. */
export function manifestImages(manifest: string): string[] {
  const images = new Set<string>();
  for (const match of manifest.matchAll(/^[ \t]*(?:-[ \t]+)?image:[ \t]*(\S.*?)[ \t]*$/gm)) {
    const raw = match[1] ?? '';
    images.add(raw.replace(/^(["'])(.*)\1$/, '$2'));
  }
  return [...images];
}
