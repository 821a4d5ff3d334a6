// `create`, `finish` and `status`: their options. The work is in hotfix-verbs.ts, loaded when one of
// them runs.

import type { Command } from 'commander';
import type { CommonFlags } from './compose';
import type { ExitCode } from './exit-codes';
import type { CreateOptions, FinishOptions } from './hotfix-verbs';
import type { Io } from './program';

type Runner = (code: ExitCode) => void;

export function registerHotfixCommands(program: Command, io: Io, setExit: Runner): void {
  program
    .command('create')
    .description('create a hotfix branch hotfix/ISSUE-title from the production release (gitflow) or production tip (trunk)')
    .requiredOption('--issue <key>', 'the tracker issue, e.g. PROD-2847 (or a plain id such as 2847)')
    .option('--title <text>', 'a short description; becomes the branch slug', '')
    .option('--from <ref>', 'base: production, a tag, any ref, or running (the commit --target runs now) (default: the latest release tag in gitflow, production in trunk)')
    .option('--target <name>', 'with --from=running: the target whose running commit to branch from')
    .option('--on-drift <base>', 'with --from=running, when the target runs another commit than the production release: running or tag')
    .option('--kubeconfig <file>', 'with --from=running: the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--severity <level>', 'SEV0 to SEV3 (or critical, high, medium, low)')
    .option('--model <model>', 'gitflow or trunk, overriding .hotfix/config.yaml')
    .option('--incident <id>', 'the incident the hotfix is for (default: the only open incident, if any)')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: CreateOptions) => {
      const { createVerb } = await import('./hotfix-verbs.js');
      setExit(await createVerb(io, options));
    });

  program
    .command('finish')
    .description('finish the hotfix: merge/fast-forward to production, tag, bring the fix to develop or main, delete, push')
    .option('--continue', 'resume after resolving a conflict or fixing a failure')
    .option('--abort', 'undo the finish in progress: every branch and tag back where it was')
    .option('--no-push', 'do not push branches and the tag')
    .option('--branch <name>', 'the hotfix branch (default: the one checked out, or the only one)')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: FinishOptions) => {
      const { finishVerb } = await import('./hotfix-verbs.js');
      setExit(await finishVerb(io, options));
    });

  program
    .command('status')
    .alias('list')
    .description('the production baseline, the hotfix branches (local and remote) and any unfinished finish')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: CommonFlags) => {
      const { statusVerb } = await import('./hotfix-verbs.js');
      setExit(await statusVerb(io, options));
    });
}

