// What the panel may be about, when the page (its `state` and `ready` messages, its state saved across
// a reload) or a command names it: the protocol's guards check the shape, this checks the meaning. A
// root must be a repository open in this window and a target one its config names; the panel's
// actions forward both to commands, so anything else is dropped before it becomes the subject.

import type { PanelState } from '../../shared/protocol';
import type { DeployService } from '../deploy/service';
import type { Repositories } from '../repositories';

export interface CheckedSubject {
  readonly state: PanelState;
  /** What was dropped, for the log: `root /tmp/x`, `target evil`. */
  readonly rejected: readonly string[];
}

/**
 * `state` with its root and target kept only when they name what this window has. A target is
 * checked against the repository it would be used with: the state's own root, else the panel's
 * `current` one (else the first repository); the target already accepted there is not read again.
 */
export async function checkSubject(
  state: PanelState,
  deps: { readonly repositories: Repositories; readonly deploys: DeployService },
  current: PanelState,
): Promise<CheckedSubject> {
  const { root, target, ...rest } = state;
  const rejected: string[] = [];
  let knownRoot: string | undefined;
  if (root !== undefined) {
    knownRoot = await deps.repositories.known(root);
    if (knownRoot === undefined) rejected.push(`root ${root}`);
  }
  let knownTarget: string | undefined;
  if (target !== undefined) {
    // A target of a repository refused above is not looked up anywhere else.
    const base = root !== undefined ? knownRoot : (current.root ?? deps.repositories.all[0]?.root);
    const accepted = target === current.target && base === current.root;
    const targets = accepted || base === undefined ? [] : ((await deps.deploys.targets()).find((r) => r.root === base)?.targets ?? []);
    if (accepted || targets.some((t) => t.name === target)) knownTarget = target;
    else rejected.push(`target ${target}`);
  }
  return {
    state: { ...rest, ...(knownRoot !== undefined ? { root: knownRoot } : {}), ...(knownTarget !== undefined ? { target: knownTarget } : {}) },
    rejected,
  };
}
