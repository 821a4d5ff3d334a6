// Asks for what a new hotfix branch needs: issue key, title, base and severity, with the branch
// name previewed as it is typed and the detected baseline preselected. Given an issue in the
// arguments (automation, tests), it asks nothing and passes them on for the operation to check.

import * as vscode from 'vscode';
import type { CreateRequest } from '../../app/hotfix-create';
import type { HotfixContext } from '../../core/hotfix/context';
import { hotfixBranchName, parseIssueKey } from '../../core/hotfix/naming';
import { SEVERITIES, type Severity } from '../../core/severity';

export interface CreateArgs {
  readonly root?: string;
  readonly issue?: string;
  readonly title?: string;
  readonly from?: string;
  readonly severity?: string;
  /** Stash uncommitted changes without asking (true) or refuse (false). */
  readonly stash?: boolean;
}

const SEVERITY_TEXT: Readonly<Record<Severity, string>> = {
  SEV0: 'Critical: the service is down or data is at risk for everyone',
  SEV1: 'Major: a core feature is broken for many customers',
  SEV2: 'Moderate: degraded, with a workaround',
  SEV3: 'Minor: small impact, fix soon',
};

/**
 * `base`, when the base is already chosen (Create Hotfix from Production: the commit that runs), skips
 * the base step and names it in the record.
 */
export async function askCreateInput(ctx: HotfixContext, args: CreateArgs, base?: { readonly from?: string; readonly baseRef?: string }): Promise<CreateRequest | undefined> {
  // The base found already (Create Hotfix from Production): a commit, or the release (no `from`).
  const fixed = base ? { ...(base.from !== undefined ? { from: base.from } : {}), ...(base.baseRef !== undefined ? { baseRef: base.baseRef } : {}) } : undefined;
  const stash = args.stash !== undefined ? { stash: args.stash } : {};
  if (args.issue !== undefined) {
    const from = fixed ?? (args.from !== undefined ? { from: args.from } : {});
    return { issue: args.issue, title: args.title ?? '', ...from, ...(args.severity !== undefined ? { severity: args.severity } : {}), ...stash };
  }
  const steps = fixed ? 3 : 4;
  const issue = await vscode.window.showInputBox({
    title: `Hotfix: Create Hotfix Branch (1/${steps})`,
    prompt: 'The issue in your tracker',
    placeHolder: 'PROD-2847',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const key = parseIssueKey(value);
      return key.ok || value.trim() === '' ? undefined : key.hint;
    },
  });
  if (!issue?.trim()) return undefined;
  const key = parseIssueKey(issue);
  if (!key.ok) return undefined;

  const title = await vscode.window.showInputBox({
    title: `Hotfix: Create Hotfix Branch (2/${steps})`,
    prompt: 'A short description of the fix; it becomes the branch name',
    placeHolder: 'payment null pointer',
    ignoreFocusOut: true,
    validateInput: (value) => ({ message: `Branch: ${hotfixBranchName(key.value, value)}`, severity: vscode.InputBoxValidationSeverity.Info }),
  });
  if (title === undefined) return undefined;

  const from = fixed ? undefined : await askBase(ctx, steps);
  if (from === null) return undefined;

  const severityPick = await vscode.window.showQuickPick(
    [...SEVERITIES.map((level) => ({ label: level, description: SEVERITY_TEXT[level], level })), { label: 'No severity', description: 'Record none for this hotfix', level: undefined }],
    { title: `Hotfix: Create Hotfix Branch (${steps}/${steps})`, placeHolder: 'How severe is the production problem?', ignoreFocusOut: true },
  );
  if (!severityPick) return undefined;
  return { issue: key.value, title, ...(from !== undefined ? { from } : {}), ...fixed, ...(severityPick.level ? { severity: severityPick.level } : {}), ...stash };
}

/** The base as `--from` would take it; undefined means the detected default, null means cancelled. */
async function askBase(ctx: HotfixContext, steps: number): Promise<string | undefined | null> {
  const { chooseBase } = await import('../../core/hotfix/create.js');
  const { settings, git } = ctx;
  const detected = await chooseBase(ctx, settings.model, undefined);
  // `from`: what --from would say (undefined: the detected default); `other` asks for a ref.
  type Item = vscode.QuickPickItem & { from: string | undefined; other?: true };
  const items: Item[] = [];
  if (detected.ok) {
    const what = settings.model === 'gitflow' ? `latest release on ${settings.productionBranch}` : `tip of ${settings.productionBranch}`;
    items.push({ label: detected.value.tag && settings.model === 'gitflow' ? detected.value.tag : settings.productionBranch, description: `${what} · ${detected.value.sha.slice(0, 8)}`, detail: 'Detected baseline (recommended)', from: undefined, picked: true });
  }
  if (settings.model === 'gitflow' || !detected.ok) {
    const tip = await git.resolveCommit(settings.productionBranch);
    if (tip) items.push({ label: settings.productionBranch, description: `tip of ${settings.productionBranch} · ${tip.slice(0, 8)}`, from: 'production' });
  }
  items.push({ label: 'Other tag or ref…', description: 'A release tag, a branch or a commit', from: undefined, other: true });
  const pick = await vscode.window.showQuickPick(items, {
    title: `Hotfix: Create Hotfix Branch (3/${steps})`,
    placeHolder: detected.ok ? 'Branch from the detected baseline, or choose another base' : `${detected.reason} Choose a base.`,
    ignoreFocusOut: true,
  });
  if (!pick) return null;
  if (!pick.other) return pick.from;
  const ref = await vscode.window.showInputBox({
    title: `Hotfix: Create Hotfix Branch (3/${steps})`,
    prompt: 'A tag, branch or commit to branch from',
    placeHolder: 'v2.1.0',
    ignoreFocusOut: true,
    validateInput: async (value) => (value.trim() === '' || (await git.resolveCommit(value.trim())) ? undefined : `Cannot find "${value.trim()}" in this repository.`),
  });
  return ref?.trim() ? ref.trim() : null;
}
