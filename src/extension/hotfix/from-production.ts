// Hotfix: Create Hotfix from Production…: branch from the commit a target really runs. Which target
// (the named one, a tree node's, else picked); then the operation reads what runs there, records any
// drift from the production release in the open incident and asks which commit to start from; then
// the usual questions (issue, title, severity) and the same create as Create Hotfix Branch.

import * as vscode from 'vscode';
import type { DriftChoice } from '../../app/hotfix-create';
import type { HotfixRecord } from '../../core/hotfix/records';
import { argsOf, pickTargetConfig } from '../deploy/flow';
import type { DeployService } from '../deploy/service';
import { showRefusal } from '../ui';
import { openRepo, runCreate, type CommandResult, type HotfixCommandDeps } from './commands';
import { askCreateInput, type CreateArgs } from './create-input';

export interface FromProductionDeps extends HotfixCommandDeps {
  readonly deploys: DeployService;
}

interface FromProductionArgs extends CreateArgs {
  /** A target name, or a tree node carrying one (a target, or its Running row). */
  readonly target?: string | { readonly name: string };
  /** When the target drifted from the release, without asking: branch from what runs, or from the tag. */
  readonly onDrift?: DriftChoice;
}

const cancelled: CommandResult<never> = { ok: false, reason: 'cancelled' };

export async function createFromProductionCommand(deps: FromProductionDeps, arg?: unknown): Promise<CommandResult<HotfixRecord>> {
  const args = argsOf<FromProductionArgs>(arg);
  const picked = await pickTargetConfig(deps, arg, 'Create a hotfix from what runs on');
  if (!picked) return cancelled;
  const { root, target } = picked;
  const opened = await openRepo(deps, arg, root);
  if (!opened) return cancelled;
  const { runningBase } = await import('../../app/hotfix-create.js');
  const found = await opened.interaction.withProgress(`Hotfix: reading what ${target.name} runs`, () =>
    runningBase(opened.env, { target: target.name, ...(args.onDrift ? { onDrift: args.onDrift } : {}) }),
  );
  if (found.kind === 'cancelled') return cancelled;
  if (found.kind !== 'base') {
    void showRefusal(deps.log, found.failed, [{ title: 'Open Config', run: () => vscode.window.showTextDocument(vscode.Uri.joinPath(vscode.Uri.file(root), '.hotfix', 'config.yaml')) }], root);
    return { ok: false, reason: found.failed.reason };
  }
  const { report, recorded } = found.found;
  const commit = report.running.commit;
  deps.log.info(`${target.name} runs ${report.running.image.image} = ${commit.sha} (${commit.detail})`);
  if (recorded.incident) deps.log.info(`drift recorded in ${recorded.incident}'s timeline`);
  if (recorded.note) deps.log.info(`drift not recorded in an incident: ${recorded.note}`);
  const request = await askCreateInput(opened.context, args, found);
  if (!request) return cancelled;
  return runCreate(deps, opened, request);
}
