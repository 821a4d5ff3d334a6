// Types of gateway-api.mjs, for the TypeScript test fixtures.

/** build-kube.sh's copy of the standard-channel CRDs. */
export function gatewayApiDir(): string;
/** Installs the standard channel (CRDs and their ValidatingAdmissionPolicy) and waits until it is served. */
export function installGatewayApi(kubeconfig: string): Promise<{ bundleVersion: string; crds: string[] }>;
