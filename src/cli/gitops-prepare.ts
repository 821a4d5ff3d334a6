// `gitops prepare`: the durable fix in the GitOps manifests repository, after a rollback or hotfix
// deploy: a revert (or edit) commit on a new branch, pushed with --push, with the next step printed.

import type { Command } from 'commander';
import { EXIT, type ExitCode } from './exit-codes';
import { incidentLinkLines } from './incident-link-lines';
import { reporter } from './output';
import type { Io } from './program';

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
  const [{ openWorkspace }, { resolveTarget }, { prepareAndRecord, prepareForTarget, preparedLines }, { openDeploy }, { linkedIncident }] = await Promise.all([
    import('../adapters/workspace.js'),
    import('../core/config/targets.js'),
    import('../app/gitops-prepare-run.js'),
    import('../adapters/deploy-workspace.js'),
    import('../app/incident-link.js'),
  ]);
  const dir = options.repo ?? process.cwd();
  const ws = await openWorkspace(dir);
  if (!ws.ok) return out.failure(ws.reason, ws.hint, EXIT.usage);
  const root = ws.value.location.root;
  const target = resolveTarget(ws.value.config, options.target);
  if (!target.ok) return out.failure(target.reason, target.hint, EXIT.usage);
  const link = await linkedIncident(root);
  const request = {
    push: options.push === true,
    progress: (m: string) => out.progress(m),
    ...(options.branch !== undefined ? { branch: options.branch } : {}),
    ...(options.issue !== undefined ? { issueKey: options.issue } : {}),
    ...(link.incident ? { incident: link.incident } : {}),
  };
  let prepared;
  if (options.rollbackTo !== undefined || options.image !== undefined) {
    const change =
      options.rollbackTo !== undefined
        ? { kind: 'rollback' as const, to: options.rollbackTo, ...(options.appliedRevision !== undefined ? { appliedRevision: options.appliedRevision } : {}) }
        : { kind: 'deploy' as const, image: options.image ?? '', ...(options.issue !== undefined ? { issueKey: options.issue } : {}) };
    prepared = await prepareAndRecord(root, target.value, change, request);
  } else {
    // Nothing named: make git say what runs now, read through the kube context.
    const opened = await openDeploy(root, options.target, options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {});
    if (!opened.ok) return out.refused(opened);
    prepared = await prepareForTarget(opened.value, request);
  }
  if (!prepared.ok) return out.failure(prepared.reason, prepared.hint, EXIT.failed);
  const p = prepared.value.prepared;
  const lines = [...preparedLines(p), ...incidentLinkLines(prepared.value.link)];
  if (p.pushError) {
    for (const line of lines) out.line(line);
    return out.failure(p.pushError, `The branch ${p.branch ?? ''} is kept; push it with: ${p.pushCommand.join(' ')}`, EXIT.failed, { ...p });
  }
  return out.result({ ...p, ...(prepared.value.link.incident ? { incident: prepared.value.link.incident } : {}) }, lines);
}
