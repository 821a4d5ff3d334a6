// `gitops prepare`: the durable fix in the GitOps manifests repository, after a rollback or hotfix
// deploy: a revert (or edit) commit on a new branch, pushed with --push, with the next step printed.

import type { Command } from 'commander';
import { cliEnv } from './compose';
import { EXIT, type ExitCode } from './exit-codes';
import { incidentLinkLines } from './incident-link-lines';
import { reporter } from './output';
import type { Io } from './program';
import { stoppedWith } from './refused';

export interface GitopsPrepareOptions {
  readonly target?: string;
  readonly rollbackTo?: string;
  readonly image?: string;
  readonly appliedRevision?: string;
  readonly branch?: string;
  readonly issue?: string;
  readonly push?: boolean;
  readonly repo?: string;
  readonly kubeconfig?: string;
  readonly json?: boolean;
}

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
      setExit(await gitopsPrepareVerb(io, options));
    });
}

export async function gitopsPrepareVerb(io: Io, options: GitopsPrepareOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  if (options.target === undefined) return out.failure('Which target?', 'Pass --target=NAME.', EXIT.usage);
  if (options.rollbackTo !== undefined && options.image !== undefined) {
    return out.failure('--rollback-to and --image cannot be used together.', 'Without either, the image that runs now is read from the cluster.', EXIT.usage);
  }
  const { gitopsPrepare, preparedLines } = await import('../app/gitops-prepare-run.js');
  const change =
    options.rollbackTo !== undefined
      ? { kind: 'rollback' as const, to: options.rollbackTo, ...(options.appliedRevision !== undefined ? { appliedRevision: options.appliedRevision } : {}) }
      : options.image !== undefined
        ? { kind: 'deploy' as const, image: options.image, ...(options.issue !== undefined ? { issueKey: options.issue } : {}) }
        : undefined;
  const done = await gitopsPrepare(cliEnv(io, out, options), {
    target: options.target,
    push: options.push === true,
    ...(change ? { change } : {}),
    ...(options.branch !== undefined ? { branch: options.branch } : {}),
    ...(options.issue !== undefined ? { issueKey: options.issue } : {}),
  });
  if (done.kind === 'refused') return stoppedWith(out, done);
  const p = done.prepared;
  const lines = [...preparedLines(p), ...incidentLinkLines(done.link)];
  if (p.pushError) {
    for (const line of lines) out.line(line);
    return out.failure(p.pushError, `The branch ${p.branch ?? ''} is kept; push it with: ${p.pushCommand.join(' ')}`, EXIT.failed, { ...p });
  }
  return out.result({ ...p, ...(done.link.incident ? { incident: done.link.incident } : {}) }, lines);
}
