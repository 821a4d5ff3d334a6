// One command call's session, as the target commands (Validate…, Verify…, the GitOps commands) open
// it: the repository and target named in the options (or a tree node), else picked; the call's
// Interaction (modals, quick picks, the cancellable progress notification) and its environment.

import type { AppEnv } from '../app/env';
import { callerConfirmation, type Confirmation } from './command-args';
import { EditorInteraction, editorEnv, type EditorDeps } from './compose';
import { namedTarget, pickTargetConfig, type DeployCommandDeps, type TargetFilter } from './deploy/flow';
import { pickRepository } from './ui';

/** The repository and target named in the options (a name, or a tree node carrying one), else picked; undefined: cancelled or shown why not. */
export async function chosenTarget(deps: DeployCommandDeps, arg: unknown, verb: string, only?: TargetFilter): Promise<{ readonly root: string; readonly name: string } | undefined> {
  const name = namedTarget(arg);
  if (name !== undefined) {
    const root = await pickRepository(deps.repositories, arg);
    return root !== undefined ? { root, name } : undefined;
  }
  const picked = await pickTargetConfig(deps, arg, verb, only);
  return picked ? { root: picked.root, name: picked.target.name } : undefined;
}

/** The call's environment and interaction; `given`: how the call was confirmed before it asked (default: its options). */
export async function session(
  deps: EditorDeps,
  root: string,
  arg: unknown,
  given: Confirmation = callerConfirmation(arg),
  afterConfirm?: () => Promise<unknown>,
): Promise<{ readonly env: AppEnv; readonly interaction: EditorInteraction }> {
  const interaction = new EditorInteraction(deps.log, given, afterConfirm);
  return { env: await editorEnv(deps, root, interaction), interaction };
}
