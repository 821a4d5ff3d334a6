// @ts-check
// The Helm CLI of the tests, built once per machine by test/kube/build-helm.sh from helm.sh/helm/v4 at the
// version test/kube/helm/go.mod pins.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The pinned version, from the build module: `4.3.2`. */
export const HELM_VERSION = /** @type {string} */ (/^require helm\.sh\/helm\/v4 v(\S+)$/m.exec(readFileSync(path.join(here, 'helm', 'go.mod'), 'utf8'))?.[1]);

/** The built helm binary; throws, naming the script to run, if it is not built yet. */
export function helmBinary() {
  const cache = process.env.HOTFIX_CACHE || path.join(homedir(), '.cache', 'hotfix-deployer');
  const file = path.join(process.env.HOTFIX_HELM_DIR || path.join(cache, `helm-${HELM_VERSION}`), 'bin', 'helm');
  if (!existsSync(file)) throw new Error(`helm ${HELM_VERSION} is not built: run bash test/kube/build-helm.sh (once per machine, about 4 minutes)`);
  return file;
}

/**
 * A chart as teams write them, into `dir`: one Deployment named after the release, its image from
 * image.repository and image.tag apart (the chart's name and its first tag by default), 2 replicas.
 * @param {string} dir
 * @param {{ name?: string, tag?: string, progressDeadlineSeconds?: number }} [options]
 */
export function writeChart(dir, { name = 'web', tag = '1.0', progressDeadlineSeconds } = {}) {
  mkdirSync(path.join(dir, 'templates'), { recursive: true });
  writeFileSync(path.join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\nappVersion: "${tag}"\n`);
  writeFileSync(path.join(dir, 'values.yaml'), `image:\n  repository: ${name}\n  tag: "${tag}"\nreplicas: 2\n`);
  writeFileSync(path.join(dir, 'templates', 'deployment.yaml'), [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: {{ .Release.Name }}, labels: {app: {{ .Release.Name }}}}',
    'spec:',
    '  replicas: {{ .Values.replicas }}',
    ...(progressDeadlineSeconds !== undefined ? [`  progressDeadlineSeconds: ${progressDeadlineSeconds}`] : []),
    '  selector: {matchLabels: {app: {{ .Release.Name }}}}',
    '  template:',
    '    metadata: {labels: {app: {{ .Release.Name }}}}',
    '    spec:',
    '      containers:',
    '        - name: app',
    '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
    '',
  ].join('\n'));
}
