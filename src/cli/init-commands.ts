// `init`: its options. The work is in init-verb.ts, loaded when it runs.

import type { Command } from 'commander';
import type { ExitCode } from './exit-codes';
import type { InitCliOptions } from './init-verb';
import type { Io } from './program';

export function registerInitCommands(program: Command, io: Io, setExit: (code: ExitCode) => void): void {
  program
    .command('init')
    .description('write a commented .hotfix/config.yaml: branching model, branches and tag prefix from git; targets and strategies from a cluster')
    .option('--dry-run', 'print the file and write nothing')
    .option('--force', 'replace an existing .hotfix/config.yaml')
    .option('--context <name>', "suggest targets from this kube context's Deployments and Services")
    .option('--namespace <ns>', "the namespace to look in (default: the context's namespace, else default)")
    .option('--kubeconfig <file>', 'the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: InitCliOptions) => {
      const { initVerb } = await import('./init-verb.js');
      setExit(await initVerb(io, options));
    });
}
