// Setting keys of the extension, in one place (package.json contributes.configuration declares them).
export const SETTINGS = {
  section: 'hotfixDeployer',
  /** Path of the kubeconfig to use instead of $KUBECONFIG / ~/.kube/config. */
  kubeconfig: 'kubeconfig',
} as const;
