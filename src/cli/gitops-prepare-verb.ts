// `gitops prepare`: the durable fix in the GitOps manifests repository, after a rollback or hotfix
// deploy: a revert (or edit) commit on a new branch, pushed with --push, with the next step printed.
// Loaded when it runs (the options: gitops-prepare.ts).

import { gitopsPrepare, preparedLines } from '../app/gitops-prepare-run';
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

export async function gitopsPrepareVerb(io: Io, options: GitopsPrepareOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  if (options.target === undefined) return out.failure('Which target?', 'Pass --target=NAME.', EXIT.usage);
  if (options.rollbackTo !== undefined && options.image !== undefined) {
    return out.failure('--rollback-to and --image cannot be used together.', 'Without either, the image that runs now is read from the cluster.', EXIT.usage);
  }
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
