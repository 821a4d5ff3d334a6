// Finds and changes the image a GitOps manifest sets for a target: a container of a Deployment (any
// document of a multi-document file), or an entry of a kustomization's `images:`; for a Helm target, a
// values file or a Flux HelmRelease (helm-values.ts). An edit replaces only the characters of the
// value, so comments, quoting and layout of everything else stay as they were.

import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Scalar, type YAMLMap } from 'yaml';
import { failed, succeeded, type Result } from '../result';
import { formatImageReference, imageName, parseImageReference } from '../image-ref';
import { notHelmFile, readHelmImage, setHelmImage, type HelmValuesSelector } from './helm-values';
import { plain, scalarText, scalarValue, sourceOf, splice, type TextEdit } from './yaml-text';

export interface ImageSelector {
  /** The container whose image it is (the target's container); else the only one. */
  readonly container?: string;
  /** The workload's name (the target's app): chooses among several Deployments and containers. */
  readonly workload?: string;
  /** The image being set or expected: chooses the kustomization entry by its repository. */
  readonly image: string;
  /** A Helm target: a values file or HelmRelease gets the image at these values. */
  readonly helm?: HelmValuesSelector;
}

export interface ImageSite {
  readonly kind: 'container' | 'kustomize' | 'helm-values' | 'helm-release';
  /** Where, in words: `container web of Deployment web`, `images: entry web`, `image.tag`. */
  readonly where: string;
  /** The image the file sets there now. */
  readonly image: string;
}

export interface ImageEdit {
  readonly text: string;
  readonly site: ImageSite;
  /** False when the file already set that image (the text is unchanged). */
  readonly changed: boolean;
}

type Located =
  | (ImageSite & { readonly kind: 'container'; readonly node: Scalar })
  | (ImageSite & { readonly kind: 'kustomize'; readonly entry: YAMLMap });

/** The image the file sets for the selected container or kustomization entry. */
export function readManifestImage(text: string, file: string, selector: ImageSelector): Result<ImageSite> {
  const helm = selector.helm && readHelmImage(text, file, selector.helm, selector.image);
  if (helm) return helm;
  const located = locate(text, file, selector);
  return located.ok ? succeeded({ kind: located.value.site.kind, where: located.value.site.where, image: located.value.site.image }) : located;
}

/** The text with the selected image set to `image`, or why it cannot be. */
export function setManifestImage(text: string, file: string, selector: ImageSelector, image: string): Result<ImageEdit> {
  const wanted = parseImageReference(image);
  if (!wanted) return failed(`${image} is not an image reference.`, 'Write it as repository:tag or repository@sha256:digest, e.g. registry.example.com/web:1.4.2.');
  const helm = selector.helm && setHelmImage(text, file, selector.helm, image, wanted);
  if (helm) return helm;
  const located = locate(text, file, { ...selector, image });
  if (!located.ok) return located;
  const { site, docs } = located.value;
  const summary: ImageSite = { kind: site.kind, where: site.where, image: site.image };
  if (site.image === image) return succeeded({ text, site: summary, changed: false });

  let edited: string;
  if (site.kind === 'container') {
    edited = splice(text, [{ start: site.node.range?.[0] ?? 0, end: site.node.range?.[1] ?? 0, text: scalarText(site.node, image) }]);
  } else {
    const name = scalarValue(site.entry.get('name', true));
    const values: Record<'newName' | 'newTag' | 'digest', string | undefined> = {
      // newName only where the name alone would not say it (or where the file already has one).
      newName: wanted.repository !== name || site.entry.has('newName') ? wanted.repository : undefined,
      newTag: wanted.tag,
      digest: wanted.digest,
    };
    edited = editEntryInPlace(text, site.entry, values) ?? editEntryByDocument(docs, site.entry, values);
  }
  const check = readManifestImage(edited, file, { ...selector, image });
  if (!check.ok || check.value.image !== image) {
    return failed(`Setting ${image} in ${file} did not take (${check.ok ? `it reads ${check.value.image}` : check.reason}).`, 'Edit the file by hand and report this.');
  }
  return succeeded({ text: edited, site: summary, changed: true });
}

function locate(text: string, file: string, selector: ImageSelector): Result<{ site: Located; docs: Document.Parsed[] }> {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return failed(`${file} is empty.`, 'Point gitops.manifests.path at the Deployment manifest or kustomization.yaml that sets the image.');
  const error = docs.flatMap((d) => d.errors)[0];
  if (error) return failed(`${file} is not valid YAML: ${error.message.split('\n')[0] ?? ''}`, 'Fix the file in the manifests repository first.');
  const containers = findContainers(docs);
  if (containers.length > 0) {
    const site = chooseContainer(containers, file, selector);
    return site.ok ? succeeded({ site: site.value, docs }) : site;
  }
  const entries = docs.flatMap((doc) => {
    const images = doc.get('images', true);
    return isSeq(images) ? images.items.filter((item): item is YAMLMap => isMap(item) && scalarValue(item.get('name', true)) !== undefined) : [];
  });
  if (entries.length > 0) {
    const site = chooseEntry(entries, file, selector);
    return site.ok ? succeeded({ site: site.value, docs }) : site;
  }
  if (selector.helm) return notHelmFile(file, selector.helm, 'it is a Kubernetes manifest with no HelmRelease, no Deployment containers and no kustomization images:');
  return failed(
    `${file} sets no image: it has no Deployment containers and no kustomization images:.`,
    'Point gitops.manifests.path at the Deployment manifest or kustomization.yaml that sets the image.',
  );
}

interface Container {
  readonly name: string;
  readonly workload: string;
  readonly kind: string;
  readonly image: Scalar | undefined;
}

function findContainers(docs: readonly Document.Parsed[]): Container[] {
  return docs.flatMap((doc) => {
    const list = doc.getIn(['spec', 'template', 'spec', 'containers'], true);
    if (!isSeq(list)) return [];
    const workload = scalarValue(doc.getIn(['metadata', 'name'], true)) ?? '?';
    const kind = scalarValue(doc.get('kind', true)) ?? 'workload';
    return list.items.flatMap((item) => {
      if (!isMap(item)) return [];
      const image = item.get('image', true);
      return [{ name: scalarValue(item.get('name', true)) ?? '?', workload, kind, image: isScalar(image) ? image : undefined }];
    });
  });
}

function chooseContainer(all: readonly Container[], file: string, selector: ImageSelector): Result<Located> {
  const named = selector.workload !== undefined ? all.filter((c) => c.workload === selector.workload) : [];
  const pool = named.length > 0 ? named : all;
  const list = (cs: readonly Container[]) => cs.map((c) => `${c.name} (${c.kind} ${c.workload})`).join(', ');
  let picked: readonly Container[];
  if (selector.container !== undefined) {
    picked = pool.filter((c) => c.name === selector.container);
    if (picked.length === 0) return failed(`${file} sets no image for container ${selector.container}; it has ${list(all)}.`, 'Set the target\'s container to one of those, or point gitops.manifests.path at the right file.');
  } else if (pool.length === 1) {
    picked = pool;
  } else {
    const repository = parseImageReference(selector.image)?.repository;
    const byName = pool.filter((c) => c.name === selector.workload);
    const byImage = pool.filter((c) => c.image && repository !== undefined && parseImageReference(sourceOf(c.image))?.repository === repository);
    picked = byName.length === 1 ? byName : byImage;
    if (picked.length !== 1) return failed(`${file} has several containers (${list(pool)}); which one runs ${selector.image}?`, 'Name it as the target\'s container in .hotfix/config.yaml.');
  }
  if (picked.length > 1) return failed(`${file} has several containers named ${selector.container ?? ''}: ${list(picked)}.`, 'Point gitops.manifests.path at a file with one workload, or name the target\'s app after the workload.');
  const [container] = picked as [Container];
  if (!container.image) return failed(`${file} sets no image for container ${container.name} of ${container.kind} ${container.workload}.`, 'Add image: to that container, or point gitops.manifests.path at the file that sets it.');
  return succeeded({ kind: 'container', where: `container ${container.name} of ${container.kind} ${container.workload}`, image: sourceOf(container.image), node: container.image });
}

function chooseEntry(entries: readonly YAMLMap[], file: string, selector: ImageSelector): Result<Located> {
  const repository = parseImageReference(selector.image)?.repository ?? selector.image;
  const field = (entry: YAMLMap, key: string) => scalarValue(entry.get(key, true));
  const exact = entries.filter((e) => field(e, 'name') === repository || field(e, 'newName') === repository);
  const short = entries.filter((e) => [field(e, 'name'), field(e, 'newName')].some((n) => n !== undefined && imageName(n) === imageName(repository)));
  const picked = exact.length > 0 ? exact : short.length > 0 ? short : entries.length === 1 ? entries : [];
  const names = entries.map((e) => field(e, 'name')).join(', ');
  if (picked.length !== 1) {
    return failed(
      picked.length === 0 ? `${file} sets no image for ${repository}; its images: are ${names}.` : `${file} has several images: entries for ${repository}.`,
      'Point gitops.manifests.path at the kustomization whose images: sets this image.',
    );
  }
  const [entry] = picked as [YAMLMap];
  const newTag = field(entry, 'newTag');
  const digest = field(entry, 'digest');
  const image = formatImageReference({
    repository: field(entry, 'newName') ?? field(entry, 'name') ?? '',
    ...(newTag !== undefined ? { tag: newTag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  });
  return succeeded({ kind: 'kustomize', where: `images: entry ${field(entry, 'name') ?? ''}`, image, entry });
}

/** Character edits on a block-style entry; undefined when the layout asks for the document API. */
function editEntryInPlace(source: string, entry: YAMLMap, values: Record<string, string | undefined>): string | undefined {
  if (entry.flow) return undefined;
  const namePair = entry.items.find((p) => isScalar(p.key) && p.key.value === 'name');
  const nameKey = namePair?.key as Scalar | undefined;
  const nameValue = namePair?.value;
  if (!nameKey?.range || !isScalar(nameValue) || !nameValue.range) return undefined;
  const lineStart = (at: number) => source.lastIndexOf('\n', at - 1) + 1;
  const indent = nameKey.range[0] - lineStart(nameKey.range[0]);
  // A new newName goes under name, a new newTag or digest under the entry's last line.
  const lastValue = entry.items[entry.items.length - 1]?.value;
  const lineEnds = { name: source.indexOf('\n', nameValue.range[1]), last: isScalar(lastValue) && lastValue.range ? source.indexOf('\n', lastValue.range[1]) : -1 };
  const edits: TextEdit[] = [];
  const added: { name: string[]; last: string[] } = { name: [], last: [] };
  for (const [key, value] of Object.entries(values)) {
    const pair = entry.items.find((p) => isScalar(p.key) && p.key.value === key);
    const node = isScalar(pair?.value) ? pair.value : undefined;
    if (pair && !node) return undefined;
    if (value !== undefined && node?.range) {
      if (scalarValue(node) !== value) edits.push({ start: node.range[0], end: node.range[1], text: scalarText(node, value) });
    } else if (value !== undefined) {
      added[key === 'newName' ? 'name' : 'last'].push(`${' '.repeat(indent)}${key}: ${plain(value)}\n`);
    } else if (pair) {
      const keyRange = (pair.key as Scalar).range;
      if (!keyRange || !node?.range) return undefined;
      const start = lineStart(keyRange[0]);
      const end = source.indexOf('\n', node.range[1]);
      // Only a pair alone on its lines can go by deleting lines (not `- digest: …`, not a multi-line value).
      if (source.slice(start, keyRange[0]).trim() !== '' || source.slice(keyRange[0], node.range[1]).includes('\n')) return undefined;
      edits.push({ start, end: end < 0 ? source.length : end + 1, text: '' });
    }
  }
  for (const at of ['name', 'last'] as const) {
    const lines = added[at].join('');
    if (lines === '') continue;
    if (at === 'last' && lineEnds.last < 0 && !isScalar(lastValue)) return undefined;
    const end = lineEnds[at];
    edits.push(end < 0 ? { start: source.length, end: source.length, text: `\n${lines.trimEnd()}` } : { start: end + 1, end: end + 1, text: lines });
  }
  return splice(source, edits);
}

/** The same edit through the document API (flow-style entries): the file is printed again. */
function editEntryByDocument(docs: readonly Document.Parsed[], entry: YAMLMap, values: Record<string, string | undefined>): string {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) entry.delete(key);
    else entry.set(key, value);
  }
  return docs.map((d) => d.toString({ lineWidth: 0 })).join('');
}
