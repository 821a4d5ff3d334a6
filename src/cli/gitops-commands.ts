// `gitops status | pause | restore`: the options of each verb; the work is in gitops-verbs.ts, loaded
// when one runs. The group is returned so other verbs (gitops prepare) can be attached to it.

import type { Command } from 'commander';
import type { ExitCode } from './exit-codes';
import type { GitopsOptions, RestoreOptions } from './gitops-verbs';
import type { Io } from './program';

const KUBECONFIG = 'the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)';
const REPO = 'the repository (default: the current directory)';

export function registerGitopsCommands(program: Command, io: Io, setExit: (code: ExitCode) => void): Command {
  const gitops = program
    .command('gitops')
    .description('Argo CD or Flux owning a target: what reverts an imperative change and when; pause and restore auto-sync');

  gitops
    .command('status')
    .description("the target's Argo CD Applications and Flux Kustomizations/HelmReleases, their auto-sync, what reverts when, and any pause")
    .requiredOption('--target <name>', 'the target in .hotfix/config.yaml')
    .option('--kubeconfig <file>', KUBECONFIG)
    .option('--repo <path>', REPO)
    .option('--json', 'machine-readable output')
    .action(async (options: GitopsOptions) => {
      const { statusVerb } = await import('./gitops-verbs.js');
      setExit(await statusVerb(io, options));
    });

  gitops
    .command('pause')
    .description("pause auto-sync of the target's owners (Argo CD: remove automated, Flux: suspend), recording the previous policy on the object")
    .requiredOption('--target <name>', 'the target in .hotfix/config.yaml')
    .option('--incident <id>', 'the incident the pause belongs to (default: the only open one); resolving it restores the pause')
    .option('--yes', 'confirm for a protected target')
    .option('--kubeconfig <file>', KUBECONFIG)
    .option('--repo <path>', REPO)
    .option('--json', 'machine-readable output')
    .action(async (options: GitopsOptions & { incident?: string; yes?: boolean }) => {
      const { pauseVerb } = await import('./gitops-verbs.js');
      setExit(await pauseVerb(io, options));
    });

  gitops
    .command('restore')
    .description('put back the auto-sync policy recorded when it was paused, once git says what runs; one turned back on meanwhile is left as it is')
    .requiredOption('--target <name>', 'the target in .hotfix/config.yaml')
    .option('--yes', 'confirm for a protected target')
    .option('--force', 'restore although git (gitops.manifests) still says another image: the controller will put it back')
    .option('--wait', "while git still says another image, wait for the manifests change's pull (merge) request to be merged, then restore (exit 3 when the time is up)")
    .option('--timeout <time>', 'with --wait: give up after this long, e.g. 1h (default 30m)')
    .option('--interval <time>', 'with --wait: how often to ask the forge, e.g. 30s (default 15s)')
    .option('--kubeconfig <file>', KUBECONFIG)
    .option('--repo <path>', REPO)
    .option('--json', 'machine-readable output')
    .action(async (options: RestoreOptions) => {
      const { restoreVerb } = await import('./gitops-verbs.js');
      setExit(await restoreVerb(io, options));
    });

  for (const verb of gitops.commands) {
    verb.exitOverride().configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) });
  }
  gitops.exitOverride().configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) });
  return gitops;
}
