// Setting keys of the extension, in one place (package.json contributes.configuration declares them).
export const SETTINGS = {
  section: 'hotfixDeployer',
  /** Path of the kubeconfig to use instead of $KUBECONFIG / ~/.kube/config. `machine` scoped. */
  kubeconfig: 'kubeconfig',
  /** Path of the helm binary for Helm releases instead of `helm` on PATH. `machine` scoped. */
  helmPath: 'helmPath',
} as const;

/** What `WorkspaceConfiguration.inspect` reports, as far as a machine-scoped setting needs it. */
export interface InspectedSetting<T> {
  readonly defaultValue?: T;
  readonly globalValue?: T;
  readonly workspaceValue?: T;
  readonly workspaceFolderValue?: T;
}

/**
 * A machine-scoped setting as the person set it: the user's (or remote machine's) value, else the
 * default. Workspace and folder values are never taken, even from a host that reports them: they
 * come with the repository that was opened.
 */
export function machineValue<T>(inspected: InspectedSetting<T> | undefined): T | undefined {
  return inspected?.globalValue ?? inspected?.defaultValue;
}
