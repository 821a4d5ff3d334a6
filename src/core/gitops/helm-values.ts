// Finds and sets a Helm release's image in the file a GitOps controller syncs: a values file (any YAML
// mapping that is not a Kubernetes object) or the spec.values of a Flux HelmRelease, at the dotted key
// path of targets.<t>.helm.imageValue. A value is replaced character for character, and a missing key
// is added as new lines, so comments, quoting and layout of everything else stay as they were.

import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Scalar, type YAMLMap } from 'yaml';
import type { Target } from '../config/targets';
import { CONFIG_PATH } from '../config/types';
import { formatImageReference, parseImageReference, type ImageReference } from '../image-ref';
import { failed, succeeded, type Failed, type Result } from '../result';
import type { ImageEdit, ImageSite } from './manifests';
import { plain, scalarEdit, scalarValue, sourceOf, splice } from './yaml-text';

/** Where a Helm target's image goes in its values: targets.<t>.helm. */
export interface HelmValuesSelector {
  /** The target's name: refusals point at its settings. */
  readonly target: string;
  /** The release, to choose among several HelmReleases in one file. */
  readonly release: string;
  /** Undefined: not configured, which a values file or HelmRelease refuses (the deploy does too). */
  readonly imageValue?: string;
  readonly imageFormat: 'tag' | 'reference';
  readonly repositoryValue?: string;
}

/** With the value that carries the image known. */
type HelmImageValues = HelmValuesSelector & { readonly imageValue: string };

export function helmValuesSelector(target: Target): HelmValuesSelector | undefined {
  const helm = target.helm;
  if (!helm) return undefined;
  return {
    target: target.name,
    release: helm.release ?? target.app,
    ...(helm.imageValue !== undefined ? { imageValue: helm.imageValue } : {}),
    imageFormat: helm.imageFormat,
    ...(helm.imageFormat === 'tag' && helm.repositoryValue !== undefined ? { repositoryValue: helm.repositoryValue } : {}),
  };
}

interface Shape {
  readonly kind: 'helm-values' | 'helm-release';
  readonly docs: Document.Parsed[];
  /** Undefined for an empty values file (no document, or only comments). */
  readonly doc?: Document.Parsed;
  /** The keys above the values: spec.values in a HelmRelease. */
  readonly prefix: readonly string[];
  readonly release?: string;
  /** A HelmRelease's spec.valuesFrom, in words: `ConfigMap web-values (values.yaml)`. */
  readonly valuesFrom: readonly string[];
}

const HELM_RELEASE_API = /^helm\.toolkit\.fluxcd\.io\/v2(?:beta[12])?$/;
const KUSTOMIZATION_FILE = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

/**
 * The image the values file or HelmRelease sets, or why it cannot say; undefined for a Kubernetes
 * manifest with no HelmRelease (or a kustomization), where the Deployment and images: rules apply.
 */
export function readHelmImage(text: string, file: string, selector: HelmValuesSelector, wanted: string): Result<ImageSite> | undefined {
  const shape = classify(text, file, selector);
  if (shape === undefined || !shape.ok) return shape;
  const helm = settle(file, selector);
  return helm.ok ? readFrom(shape.value, file, helm.value, wanted) : helm;
}

/** The text with the image set at helm.imageValue (and repositoryValue); undefined as for readHelmImage. */
export function setHelmImage(text: string, file: string, selector: HelmValuesSelector, image: string, wanted: ImageReference): Result<ImageEdit> | undefined {
  const current = readHelmImage(text, file, selector, image);
  if (current === undefined || !current.ok) return current;
  const settled = settle(file, selector);
  if (!settled.ok) return settled;
  const helm = settled.value;
  const site = current.value;
  if (site.image === image) return succeeded({ text, site, changed: false });
  let assignments: [string, string][];
  if (helm.imageFormat === 'reference') {
    assignments = [[helm.imageValue, image]];
  } else {
    const tag = tagValue(wanted);
    if (tag === undefined) return failed(`${image} has no tag or digest to set as ${helm.imageValue} in ${file}.`, `Deploy an image with a tag, or set targets.${helm.target}.helm.imageFormat: reference in ${CONFIG_PATH} if ${helm.imageValue} takes the whole image.`);
    assignments = [...(helm.repositoryValue !== undefined ? [[helm.repositoryValue, wanted.repository] as [string, string]] : []), [helm.imageValue, tag]];
  }
  let edited = text;
  for (const [dotted, value] of assignments) {
    const next = assign(edited, file, helm, dotted, value);
    if (!next.ok) return next;
    edited = next.value;
  }
  const check = readHelmImage(edited, file, helm, image);
  if (!check?.ok || check.value.image !== image) {
    return failed(`Setting ${image} in ${file} did not take (${check?.ok ? `it reads ${check.value.image}` : (check?.reason ?? 'it no longer reads as a values file')}).`, 'Edit the file by hand and report this.');
  }
  return succeeded({ text: edited, site, changed: true });
}

/** The selector with the value that carries the image, or the refusal that says to configure it. */
function settle(file: string, selector: HelmValuesSelector): Result<HelmImageValues> {
  const { imageValue } = selector;
  if (imageValue === undefined) {
    return failed(`targets.${selector.target}.helm.imageValue is not set: which value in ${file} carries the image?`, `Set it in ${CONFIG_PATH}, e.g. imageValue: image.tag.`);
  }
  return succeeded({ ...selector, imageValue });
}

/** A file that is neither shape nor a manifest with an image: what it is, and where to point instead. */
export function notHelmFile(file: string, helm: HelmValuesSelector, what: string): Failed {
  const value = helm.imageValue ?? 'the image';
  return failed(
    `${file} is not a Helm values file or a Flux HelmRelease (${what}), so ${value} cannot be set in it.`,
    `Set targets.${helm.target}.gitops.manifests.path in ${CONFIG_PATH} to the values file or HelmRelease that sets ${value}.`,
  );
}

function classify(text: string, file: string, helm: HelmValuesSelector): Result<Shape> | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return succeeded({ kind: 'helm-values', docs: [], prefix: [], valuesFrom: [] });
  const error = docs.flatMap((d) => d.errors)[0];
  if (error) return failed(`${file} is not valid YAML: ${error.message.split('\n')[0] ?? ''}`, 'Fix the file in the manifests repository first.');
  const releases = docs.filter((d) => isMap(d.contents) && d.get('kind') === 'HelmRelease' && HELM_RELEASE_API.test(String(d.get('apiVersion'))));
  if (releases.length > 0) {
    const name = (d: Document.Parsed) => scalarValue(d.getIn(['metadata', 'name'], true)) ?? '?';
    const named = releases.filter((d) => name(d) === helm.release || scalarValue(d.getIn(['spec', 'releaseName'], true)) === helm.release);
    const picked = releases.length === 1 ? releases : named;
    if (picked.length !== 1) {
      return failed(`${file} has ${releases.length} HelmReleases (${releases.map(name).join(', ')}); none is named ${helm.release}.`, `Set targets.${helm.target}.helm.release in ${CONFIG_PATH} to the one to change.`);
    }
    const [doc] = picked as [Document.Parsed];
    return succeeded({ kind: 'helm-release', docs, doc, prefix: ['spec', 'values'], release: name(doc), valuesFrom: valuesFrom(doc) });
  }
  const objects = docs.filter((d) => isMap(d.contents) && d.has('apiVersion') && d.has('kind'));
  if (objects.length > 0 || KUSTOMIZATION_FILE.test(file)) return undefined;
  if (docs.length === 0) return succeeded({ kind: 'helm-values', docs, prefix: [], valuesFrom: [] });
  const [doc] = docs as [Document.Parsed];
  if (docs.length > 1) return notHelmFile(file, helm, `it has ${docs.length} documents and none is a HelmRelease`);
  if (doc.contents !== null && !isMap(doc.contents)) return notHelmFile(file, helm, `it is a ${isSeq(doc.contents) ? 'list' : 'single value'}, not a mapping`);
  return succeeded({ kind: 'helm-values', docs, doc, prefix: [], valuesFrom: [] });
}

function valuesFrom(doc: Document.Parsed): string[] {
  const list = doc.getIn(['spec', 'valuesFrom'], true);
  if (!isSeq(list)) return [];
  return list.items.filter(isMap).map((item) => {
    const field = (key: string) => scalarValue(item.get(key, true));
    const at = field('targetPath');
    return `${field('kind') ?? 'ConfigMap'} ${field('name') ?? '?'} (${field('valuesKey') ?? 'values.yaml'}${at !== undefined ? `, at ${at}` : ''})`;
  });
}

type Found =
  | { readonly kind: 'scalar'; readonly node: Scalar }
  /** `keys[at]` is not there (or empty); `parent` holds the keys before it, undefined for an empty document. */
  | { readonly kind: 'missing'; readonly at: number; readonly parent?: YAMLMap }
  /** `keys[at]` is a list, an alias, a block of values or a value where the path needs the other. */
  | { readonly kind: 'blocked'; readonly at: number; readonly what: string };

function find(shape: Shape, keys: readonly string[]): Found {
  let node: unknown = shape.doc?.contents ?? null;
  let parent: YAMLMap | undefined;
  for (const [at, key] of keys.entries()) {
    // An empty `image:` holds nothing yet: the keys from it on are missing.
    if (node === null || (isScalar(node) && node.value === null)) return { kind: 'missing', at: Math.max(at - 1, 0), ...(parent ? { parent } : {}) };
    if (!isMap(node)) return { kind: 'blocked', at: at - 1, what: describe(node) };
    const next: unknown = node.get(key, true);
    if (next === undefined) return { kind: 'missing', at, parent: node };
    [parent, node] = [node, next];
  }
  return isScalar(node) ? { kind: 'scalar', node } : { kind: 'blocked', at: keys.length - 1, what: describe(node) };
}

function describe(node: unknown): string {
  if (isScalar(node)) return `the value ${sourceOf(node)}`;
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  return 'an alias';
}

function readFrom(shape: Shape, file: string, helm: HelmImageValues, wanted: string): Result<ImageSite> {
  const where = shape.kind === 'helm-release' ? `spec.values.${helm.imageValue} of HelmRelease ${shape.release ?? ''}` : helm.imageValue;
  const value = lookup(shape, file, helm, helm.imageValue);
  if (!value.ok) return value;
  const site = (image: string): Result<ImageSite> => succeeded({ kind: shape.kind, where, image });
  if (value.value === undefined) return site(`nothing at ${helm.imageValue}`);
  if (helm.imageFormat === 'reference') return site(value.value);
  let repository = parseImageReference(wanted)?.repository ?? wanted;
  if (helm.repositoryValue !== undefined) {
    const written = lookup(shape, file, helm, helm.repositoryValue);
    if (!written.ok) return written;
    // Without it in the file, the chart's default says the repository: taken to be the image's own.
    repository = written.value ?? repository;
  }
  return site(formatImageReference({ repository, ...parseTagValue(value.value) }));
}

/** The value at the dotted path as written; undefined when the file does not set it. */
function lookup(shape: Shape, file: string, helm: HelmImageValues, dotted: string): Result<string | undefined> {
  const keys = keyPath(dotted);
  if (!keys.ok) return keys;
  const found = find(shape, [...shape.prefix, ...keys.value]);
  if (found.kind === 'blocked') return blocked(file, helm, dotted, [...shape.prefix, ...keys.value].slice(0, found.at + 1).join('.'), found.what);
  if (found.kind === 'scalar' && found.node.value !== null) return succeeded(sourceOf(found.node));
  if (shape.valuesFrom.length > 0) {
    // Flux merges spec.values over valuesFrom: a key spec.values lacks comes from those sources, not from here.
    return failed(
      `${file}: HelmRelease ${shape.release ?? ''} takes its values from ${shape.valuesFrom.join(', ')}, and its spec.values does not set ${dotted}; the image is set there, so the change cannot be made in this file.`,
      `Change ${dotted} in that ${shape.valuesFrom.length > 1 ? 'source' : shape.valuesFrom[0]?.split(' ')[0] ?? 'source'}, or set targets.${helm.target}.gitops.manifests.path in ${CONFIG_PATH} to the values file it is generated from, or add spec.values.${dotted} to the HelmRelease by hand (spec.values overrides valuesFrom).`,
    );
  }
  return succeeded(undefined);
}

function blocked(file: string, helm: HelmImageValues, dotted: string, at: string, what: string): Failed {
  const setting = dotted === helm.imageValue ? 'imageValue' : 'repositoryValue';
  return failed(
    `${file}: ${at} is ${what}, so ${dotted} cannot be set there.`,
    `Set targets.${helm.target}.helm.${setting} in ${CONFIG_PATH} to the key path that holds the image${setting === 'imageValue' ? (helm.imageFormat === 'tag' ? "'s tag" : '') : "'s repository"}${isImage(what) ? ` (the whole image is at ${at}: imageValue: ${at.replace(/^spec\.values\./, '')} with imageFormat: reference)` : ''}.`,
  );
}

function isImage(what: string): boolean {
  return what.startsWith('the value ') && parseImageReference(what.slice('the value '.length))?.tag !== undefined;
}

/** `image.tag` → image, tag; a dot inside a key is written `\.`, as `helm --set` takes it. */
function keyPath(dotted: string): Result<string[]> {
  const keys = dotted.split(/(?<!\\)\./).map((k) => k.replace(/\\\./g, '.'));
  return keys.some((k) => k === '') ? failed(`"${dotted}" is not a dotted key path such as image.tag.`, `Fix it under targets.<target>.helm in ${CONFIG_PATH}.`) : succeeded(keys);
}

/** What a tag-format value holds: `1.4.2`, `@sha256:…` or `1.4.2@sha256:…`. */
function parseTagValue(value: string): Pick<ImageReference, 'tag' | 'digest'> {
  const at = value.indexOf('@');
  const tag = at < 0 ? value : value.slice(0, at);
  return { ...(tag !== '' ? { tag } : {}), ...(at >= 0 ? { digest: value.slice(at + 1) } : {}) };
}

function tagValue(ref: ImageReference): string | undefined {
  if (ref.tag === undefined && ref.digest === undefined) return undefined;
  return `${ref.tag ?? ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The text with `value` at the dotted path: in place where the layout allows, else printed by the document. */
function assign(text: string, file: string, helm: HelmImageValues, dotted: string, value: string): Result<string> {
  const shape = classify(text, file, helm);
  const keys = keyPath(dotted);
  if (shape === undefined || !shape.ok) return shape ?? notHelmFile(file, helm, 'it changed while being edited');
  if (!keys.ok) return keys;
  const path = [...shape.value.prefix, ...keys.value];
  const found = find(shape.value, path);
  if (found.kind === 'blocked') return blocked(file, helm, dotted, path.slice(0, found.at + 1).join('.'), found.what);
  if (found.kind === 'scalar') {
    if (scalarValue(found.node) === value) return succeeded(text);
    const edit = scalarEdit(text, found.node, value);
    if (edit) return succeeded(splice(text, [edit]));
    found.node.value = value;
    return succeeded(print(shape.value.docs));
  }
  const added = newLines(text, found, path, value);
  if (added !== undefined) return succeeded(added);
  const { doc } = shape.value;
  if (!doc) return failed(`${file} could not be edited at ${dotted}.`, 'Edit the file by hand and report this.');
  const nest = (rest: readonly string[]): unknown => rest.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
  if (!found.parent) {
    doc.contents = doc.createNode(nest(path)) as typeof doc.contents;
  } else {
    found.parent.set(path[found.at] ?? '', doc.createNode(nest(path.slice(found.at + 1))));
  }
  return succeeded(print(shape.value.docs));
}

/**
 * The missing keys as new lines at the end of the block mapping that should hold them (or of an empty
 * file); undefined where only the document API can add them (a flow mapping, an empty `image:`).
 */
function newLines(text: string, found: Found & { kind: 'missing' }, path: readonly string[], value: string): string | undefined {
  const rest = path.slice(found.at);
  const lines = (indent: number) => rest.map((key, i) => `${' '.repeat(indent + 2 * i)}${plain(key)}:${i === rest.length - 1 ? ` ${plain(value)}` : ''}`).join('\n');
  const { parent } = found;
  if (!parent) {
    // An empty values file: the keys go after whatever comments it has.
    return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${lines(0)}\n`;
  }
  const first = parent.items[0]?.key;
  if (parent.flow || !parent.range || !isScalar(first) || !first.range || parent.has(path[found.at])) return undefined;
  const indent = first.range[0] - (text.lastIndexOf('\n', first.range[0] - 1) + 1);
  const end = parent.range[1];
  return text.charAt(end - 1) === '\n' ? `${text.slice(0, end)}${lines(indent)}\n${text.slice(end)}` : `${text.slice(0, end)}\n${lines(indent)}${text.slice(end)}`;
}

function print(docs: readonly Document.Parsed[]): string {
  return docs.map((d) => d.toString({ lineWidth: 0 })).join('');
}
