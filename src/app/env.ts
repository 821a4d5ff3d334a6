// The environment of one operation, built once by a front end's composition root and passed down:
// where the person is, the kubeconfig they chose (the setting or --kubeconfig), the notification
// secrets (SecretStorage over the environment, or the environment), the person (Interaction), and
// the configuration read once. Every store an operation opens comes from here, so a deploy, its
// incident timeline and its notifications all see the same cluster, file and secrets. No module
// holds state: a new operation builds a new environment.

import { memoConfigReader, type ConfigReader } from '../adapters/config-file';
import { openDeploy, type OpenDeploy } from '../adapters/deploy-workspace';
import type { OpenIncidents } from '../adapters/incident-workspace';
import { openNotifyingIncidents } from './notify-incidents';
import type { NotifyEnv } from './notify-sinks';
import { openWorkspace, operationRepository, type OpenOptions, type OpenWorkspace } from '../adapters/workspace';
import type { ForgeTarget } from '../core/hotfix/forge';
import type { Result } from '../core/result';
import type { Interaction } from './interaction';

export interface EnvOptions {
  /** The folder the person works in (the CLI's cwd or --repo; the repository VS Code picked). */
  readonly dir: string;
  readonly interaction: Interaction;
  /** The kubeconfig file the person chose: the hotfixDeployer.kubeconfig setting, --kubeconfig. */
  readonly kubeconfig?: string;
  /** The helm binary for Helm releases: the hotfixDeployer.helmPath setting, HOTFIX_HELM; default `helm` on PATH. */
  readonly helmPath?: string;
  /** The notification channels' secrets over the process environment; default process.env. */
  readonly secrets?: NotifyEnv;
  /** How long a status poll waits (tests shorten it). */
  readonly pollMs?: number;
  /** Called with each git command's arguments, for a debug log. */
  readonly onGitCommand?: (args: readonly string[]) => void;
  /** How the configuration file is read (once per repository per operation); default: the file. */
  readonly readConfig?: ConfigReader;
  /** The front end's token for a forge (VS Code's GitHub sign-in, SecretStorage); undefined: the environment's. */
  readonly forgeToken?: ForgeTokenSource;
}

/**
 * A front end's token for a forge; undefined: try the environment's. `refused`: no token may go to
 * this forge from here (an untrusted workspace names it), and none from the environment either.
 * `prompt: false`: a look that may not ask the person to sign in (it is not what they asked for).
 */
export type ForgeTokenSource = (forge: ForgeTarget, options?: { readonly prompt?: boolean }) => Promise<string | undefined | { readonly refused: string; readonly hint: string }>;

export interface AppEnv {
  readonly dir: string;
  readonly interaction: Interaction;
  readonly kubeconfig?: string;
  readonly secrets: NotifyEnv;
  /** The configuration, read once per repository for this operation. */
  readonly readConfig: ConfigReader;
  /** The repository with its configuration (git overrides such as --model apply over the file). */
  workspace(options?: Pick<OpenOptions, 'git'>): Promise<Result<OpenWorkspace>>;
  /** The incidents, from the store the configuration chooses, through the chosen kubeconfig, with the channels. */
  incidents(): Promise<Result<OpenIncidents>>;
  /** A deploy target through the kube context, wired to the interaction's progress and cancel; opened once per operation. */
  target(name: string): Promise<Result<OpenDeploy>>;
  readonly forgeToken?: ForgeTokenSource;
}

export function createEnv(options: EnvOptions): AppEnv {
  const readConfig = memoConfigReader(options.readConfig);
  // The repository located, and the acting identity read, once for the whole operation.
  const access = operationRepository(options.onGitCommand ? { onGitCommand: options.onGitCommand } : {});
  const secrets = options.secrets ?? process.env;
  const { interaction } = options;
  let incidents: Promise<Result<OpenIncidents>> | undefined;
  const targets = new Map<string, Promise<Result<OpenDeploy>>>();
  const open = (name: string): Promise<Result<OpenDeploy>> =>
    openDeploy(options.dir, name, {
      readConfig,
      access,
      progress: (message) => interaction.progress(message),
      ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.helmPath !== undefined ? { helmPath: options.helmPath } : {}),
      ...(interaction.signal ? { signal: interaction.signal } : {}),
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    });
  return {
    dir: options.dir,
    interaction,
    ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
    secrets,
    readConfig,
    ...(options.forgeToken ? { forgeToken: options.forgeToken } : {}),
    workspace: (open = {}) => openWorkspace(options.dir, { ...open, readConfig, access, ...(options.onGitCommand ? { onGitCommand: options.onGitCommand } : {}) }),
    incidents: () => {
      incidents ??= openNotifyingIncidents(options.dir, { readConfig, access, ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}) }, { env: secrets, readConfig });
      return incidents;
    },
    target: (name) => {
      let opened = targets.get(name);
      if (opened === undefined) {
        opened = open(name);
        targets.set(name, opened);
      }
      return opened;
    },
  };
}
