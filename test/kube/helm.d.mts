// Types of helm.mjs, for the TypeScript test fixtures.

/** The pinned helm.sh/helm/v4 version, e.g. `4.3.2`. */
export const HELM_VERSION: string;
/** The built helm binary; throws, naming build-helm.sh, if it is not built yet. */
export function helmBinary(): string;
/** A chart as teams write them (image.repository and image.tag apart, 2 replicas), into `dir`. */
export function writeChart(dir: string, options?: { name?: string; tag?: string; progressDeadlineSeconds?: number }): void;
