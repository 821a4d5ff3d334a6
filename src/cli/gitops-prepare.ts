// `gitops prepare`: its options. The work is in gitops-prepare-verb.ts, loaded when it runs.

import type { Command } from 'commander';
import type { ExitCode } from './exit-codes';
import type { GitopsPrepareOptions } from './gitops-prepare-verb';
import type { Io } from './program';

export function registerGitopsPrepare(group: Command, io: Io, setExit: (code: ExitCode) => void): void {
  group
    .command('prepare')
    .description('prepare the commit that makes the GitOps manifests repository say what runs: a revert of the bad image commit (or an edit) on a new branch')
    .option('--target <name>', 'the target in .hotfix/config.yaml, with gitops.manifests set')
    .option('--rollback-to <image>', 'the image running after a rollback: revert the commit that deployed the bad one (default: read what runs from the cluster)')
    .option('--image <image>', 'the image a hotfix deploy put in place: an edit commit setting it')
    .option('--kubeconfig <file>', 'without --rollback-to or --image: the kubeconfig to read the cluster with')
    .option('--applied-revision <rev>', "the revision the controller applied (Argo CD status.sync.revision, Flux lastAppliedRevision)")
    .option('--branch <name>', 'the branch to create (default hotfix/<issue-or-target>-rollback-<tag>)')
    .option('--issue <key>', 'the issue key, for the branch name and the message')
    .option('--push', 'push the branch to the remote')
    .option('--repo <path>', 'the repository (default: the current directory)')
    .option('--json', 'machine-readable output')
    .action(async (options: GitopsPrepareOptions) => {
      const { gitopsPrepareVerb } = await import('./gitops-prepare-verb.js');
      setExit(await gitopsPrepareVerb(io, options));
    });
}
