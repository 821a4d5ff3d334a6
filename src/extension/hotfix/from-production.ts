// Hotfix: Create Hotfix from Production…: branch from the commit a target really runs. Which target
// (the named one, a tree node's, else picked), what runs there mapped to a commit, and, when that is
// not the production release (drift), both commits side by side for the person to choose; the drift
// goes into the open incident's timeline. Then the usual questions (issue, title, severity).

import * as vscode from 'vscode';
import type { RunningReport } from '../../app/running';
import type { DeployService } from '../deploy/service';
import { argsOf, pickTargetConfig } from '../deploy/flow';
import { showFailure } from '../ui';
import type { CreateArgs } from './create-input';
import { askCreateInput } from './create-input';
import { runCreate, type CommandResult, type HotfixCommandDeps } from './commands';
import type { HotfixRecord } from '../../core/hotfix/records';

export interface FromProductionDeps extends HotfixCommandDeps {
  readonly deploys: DeployService;
}

interface FromProductionArgs extends CreateArgs {
  /** A target name, or a tree node carrying one (a target, or its Running row). */
  readonly target?: string | { readonly name: string };
  /** When the target drifted from the release, without asking: branch from what runs, or from the tag. */
  readonly onDrift?: 'running' | 'tag';
}

const cancelled: CommandResult<never> = { ok: false, reason: 'cancelled' };

export async function createFromProductionCommand(deps: FromProductionDeps, arg?: unknown): Promise<CommandResult<HotfixRecord>> {
  const args = argsOf<FromProductionArgs>(arg);
  const picked = await pickTargetConfig(deps, arg, 'Create a hotfix from what runs on');
  if (!picked) return cancelled;
  const { root, target } = picked;
  const kubeconfig = deps.deploys.kubeconfigSetting();
  const { runningReport, recordDrift } = await import('../../app/running.js');
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Hotfix: reading what ${target.name} runs` },
    () => runningReport(root, target.name, kubeconfig ? { kubeconfig } : {}),
  );
  if (!report.ok) {
    void showFailure(deps.log, report.reason, report.hint, [
      { title: 'Open Config', run: () => vscode.window.showTextDocument(vscode.Uri.joinPath(vscode.Uri.file(root), '.hotfix', 'config.yaml')) },
    ]);
    return { ok: false, reason: report.reason };
  }
  const found = report.value;
  const commit = found.running.commit;
  deps.log.info(`${target.name} runs ${found.running.image.image} = ${commit.sha} (${commit.detail})`);
  let base = { sha: commit.sha, ref: `running:${target.name}` };
  if (found.drift) {
    const { linkedIncident } = await import('../../app/incident-link.js');
    const link = await linkedIncident(root);
    const recorded = await recordDrift(found, link.incident);
    if (recorded.incident) deps.log.info(`drift recorded in ${recorded.incident}'s timeline`);
    const choice = args.onDrift ?? (await askDrift(found));
    if (choice === undefined) return cancelled;
    if (choice === 'tag') base = { sha: found.drift.expectedSha, ref: found.drift.expected };
  }
  const workspace = await deps.service.open(root);
  if (!workspace.ok) {
    void showFailure(deps.log, workspace.reason, workspace.hint);
    return { ok: false, reason: workspace.reason };
  }
  const input = await askCreateInput(workspace.value.context, args, base);
  if (!input) return cancelled;
  return runCreate(deps, workspace.value, input, args.stash);
}

/** Both commits, plainly: what runs (and how it was read) and the production release; undefined = cancelled. */
async function askDrift(report: RunningReport): Promise<'running' | 'tag' | undefined> {
  const { describeDrift } = await import('../../core/running/drift.js');
  const drift = report.drift;
  if (!drift) return 'running';
  const { running } = report;
  const pick = await vscode.window.showQuickPick(
    [
      {
        label: `$(server-environment) Branch from what runs: ${drift.runningSha.slice(0, 12)}`,
        description: `${running.image.image} on ${running.deployment}`,
        detail: `Read from ${running.commit.detail}. The fix goes onto exactly what production runs.`,
        choice: 'running' as const,
      },
      {
        label: `$(tag) Branch from ${drift.expected}: ${drift.expectedSha.slice(0, 12)}`,
        description: 'the production release',
        detail: 'What production should run; the fix ships without whatever else was deployed.',
        choice: 'tag' as const,
      },
    ],
    { title: `Hotfix: ${running.target} has drifted: ${describeDrift(drift)}`, placeHolder: 'Which commit should the hotfix branch start from?', ignoreFocusOut: true },
  );
  return pick?.choice;
}
