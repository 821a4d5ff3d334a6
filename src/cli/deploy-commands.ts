// `deploy`, `rollback` and `targets`: the options of each verb. The work is in deploy-verbs.ts,
// loaded when one of these verbs runs.

import type { Command } from 'commander';
import type { Common, GitopsFlags } from './deploy-verbs';
import type { ExitCode } from './exit-codes';
import type { Io } from './program';

export function registerDeployCommands(program: Command, io: Io, setExit: (code: ExitCode) => void): void {
  program
    .command('deploy')
    .description('deploy an image to a target through its kube context (rolling, blue-green, canary, or through an Argo Rollout), rolling back by itself on failure')
    .requiredOption('--target <name>', 'the target in .hotfix/config.yaml (e.g. production)')
    .option('--image <ref>', "the image (default: the target's image template with this release's version)")
    .option('--strategy <name>', 'override the target strategy: rolling, blue-green, canary or argo-rollout')
    .option('--incident <id>', 'the incident this deploy belongs to, annotated on every object written (default: the only open one; none: no incident)')
    .option('--continue', 'resume an interrupted deploy of the target')
    .option('--promote', "promote the target's unfinished canary now, skipping its remaining steps")
    .option('--yes', 'confirm a deploy to a protected target (production)')
    .option('--pause-gitops', 'Argo CD or Flux owns the target: pause its auto-sync first (restored if the operation rolls back, else by gitops restore or incident resolve)')
    .option('--ignore-gitops', 'Argo CD or Flux owns the target: go on, knowing it will revert the change')
    .option('--override-validation <why>', "deploy although the target's validation suite failed; only for a linked SEV0/SEV1 incident, audited")
    .option('--kubeconfig <file>', 'the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: Common & { target: string; image?: string; strategy?: string; incident?: string; continue?: boolean; promote?: boolean; yes?: boolean; overrideValidation?: string } & GitopsFlags) => {
      const { deployVerb } = await import('./deploy-verbs.js');
      setExit(await deployVerb(io, options));
    });

  program
    .command('rollback')
    .description('roll a target back by the fastest safe path: undo to the previous revision (rolling), switch the Service back (blue-green), or abort an unfinished canary')
    .requiredOption('--target <name>', 'the target in .hotfix/config.yaml')
    .option('--to-revision <n>', 'the revision to go back to, as history lists it (a Helm, Deployment, StatefulSet or DaemonSet revision); default: the previous one')
    .option('--version <which>', 'the same as --to-revision, or previous (kept for scripts written against it)', 'previous')
    .option('--immediate', 'do not wait for the restored version to be fully available')
    .option('--incident <id>', 'the incident this rollback belongs to (default: the only open one; none: no incident)')
    .option('--yes', 'confirm a rollback of a protected target')
    .option('--pause-gitops', 'Argo CD or Flux owns the target: pause its auto-sync first (restored if the operation rolls back, else by gitops restore or incident resolve)')
    .option('--ignore-gitops', 'Argo CD or Flux owns the target: go on, knowing it will revert the change')
    .option('--kubeconfig <file>', 'the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: Common & { target: string; version: string; toRevision?: string; immediate?: boolean; yes?: boolean; incident?: string } & GitopsFlags) => {
      const { rollbackVerb } = await import('./deploy-verbs.js');
      setExit(await rollbackVerb(io, options));
    });

  program
    .command('history')
    .description("a target's revisions, newest first, as helm history (a Helm release) or kubectl rollout history (a Deployment, StatefulSet or DaemonSet) lists them")
    .requiredOption('--target <name>', 'the target in .hotfix/config.yaml')
    .option('--kubeconfig <file>', 'the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: Common & { target: string }) => {
      const { historyVerb } = await import('./history-verb.js');
      setExit(await historyVerb(io, options));
    });

  program
    .command('retire')
    .description('blue-green: scale the previous colour down once the target\'s keepOldFor has passed (it is kept for an instant rollback until then)')
    .requiredOption('--target <name>', 'the target in .hotfix/config.yaml')
    .option('--now', 'scale it down now, before keepOldFor has passed')
    .option('--yes', 'confirm for a protected target')
    .option('--kubeconfig <file>', 'the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: Common & { target: string; now?: boolean; yes?: boolean }) => {
      const { retireVerb } = await import('./deploy-verbs.js');
      setExit(await retireVerb(io, options));
    });

  program
    .command('targets')
    .description('the deploy targets with their kube context, namespace and live state')
    .option('--kubeconfig <file>', 'the kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: Common) => {
      const { targetsVerb } = await import('./deploy-verbs.js');
      setExit(await targetsVerb(io, options));
    });
}

