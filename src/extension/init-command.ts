// Hotfix: Set Up Repository…: the repository, a kube context (or none), a namespace; then the commented
// .hotfix/config.yaml that `init` makes, written after a confirmation and opened in an editor. An
// existing file is replaced only after an explicit "Overwrite". Also takes an options object (tests).

import * as vscode from 'vscode';
import { CONTEXT_KEYS } from '../shared/ids';
import type { InitPlan, KubeContextList } from '../app/init';
import { argsOf, type DeployCommandDeps } from './deploy/flow';
import { session } from './session';
import { pickRepository, showRefusal } from './ui';

export interface SetUpArgs {
  readonly root?: string;
  readonly context?: string;
  readonly namespace?: string;
  /** true: replace an existing file without asking; false: never replace it; absent: ask. */
  readonly overwrite?: boolean;
  /** Leave the cluster out: targets are left as a commented example. */
  readonly skipCluster?: boolean;
}

export type SetUpOutcome = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string; readonly path?: string };

const SKIP = 'skip';

export async function setUpRepositoryCommand(deps: DeployCommandDeps, arg?: unknown): Promise<SetUpOutcome> {
  const args = argsOf<SetUpArgs>(arg);
  const root = await pickRepository(deps.repositories, arg);
  if (root === undefined) return { ok: false, reason: 'cancelled' };
  const { env } = await session(deps, root, arg);
  const init = await import('../app/init.js');

  let context = args.context;
  let namespace = args.namespace;
  if (!args.skipCluster && context === undefined) {
    const list = await init.kubeContexts(env);
    const picked = await pickContext(list);
    if (picked === undefined) return { ok: false, reason: 'cancelled' };
    context = picked === SKIP ? undefined : picked;
    if (context !== undefined && namespace === undefined) {
      const fallback = list.contexts.find((c) => c.name === context)?.namespace ?? 'default';
      namespace = await vscode.window.showInputBox({ title: `Hotfix: namespace in ${context}`, prompt: 'The namespace whose Deployments and Services become deploy targets', value: fallback });
      if (namespace === undefined) return { ok: false, reason: 'cancelled' };
    }
  }

  const planned = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Hotfix: looking at the repository and the cluster…' }, () =>
    init.initPlan(env, !args.skipCluster && context !== undefined ? { context, ...(namespace ? { namespace } : {}) } : {}),
  );
  if (planned.kind === 'refused') {
    void showRefusal(deps.log, planned.failed, [], root);
    return { ok: false, reason: planned.failed.reason };
  }
  const { plan } = planned;
  if (!(await allowed(plan, args.overwrite))) {
    return { ok: false, reason: plan.exists ? 'exists' : 'cancelled', path: plan.file };
  }
  // Allowed: a new file after its summary, an existing one only after an explicit Overwrite.
  const written = await init.initWrite(env, plan, { overwrite: true });
  if (written.kind === 'refused') {
    void showRefusal(deps.log, written.failed, [], root);
    return { ok: false, reason: written.failed.reason };
  }
  deps.log.info(`set up ${written.path}: ${plan.facts.git.model}, targets ${plan.targets.map((t) => `${t.name} (${t.strategy})`).join(', ') || 'none'}`);
  deps.deploys.invalidate();
  await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.configured, true);
  await vscode.window.showTextDocument(vscode.Uri.file(written.path), { preview: false });
  return { ok: true, path: written.path };
}

async function pickContext(list: KubeContextList): Promise<string | undefined> {
  const items: (vscode.QuickPickItem & { value: string })[] = [
    ...list.contexts.map((c) => ({ label: c.name, description: [c.name === list.current ? 'current' : '', c.namespace].filter(Boolean).join(' · '), value: c.name })),
    { label: 'Skip the cluster', description: 'write the git settings; add targets later', value: SKIP },
  ];
  if (list.contexts.length === 0) return SKIP;
  const choice = await vscode.window.showQuickPick(items, { title: 'Hotfix: Set Up Repository — which kube context has the app?', placeHolder: 'Its Deployments and Services become deploy targets' });
  return choice?.value;
}

/** Asks before writing: a new file after a summary, an existing one only with an explicit Overwrite. */
async function allowed(plan: InitPlan, overwrite: boolean | undefined): Promise<boolean> {
  if (overwrite !== undefined) return plan.exists ? overwrite : true;
  const targets = plan.targets.map((t) => `${t.name} (${t.strategy})`).join(', ') || 'none yet';
  const detail = `${plan.facts.git.model}, production branch ${plan.facts.git.productionBranch}; targets: ${targets}.`;
  if (plan.exists) {
    const answer = await vscode.window.showWarningMessage(`${plan.file} already exists. Replace it?`, { modal: true, detail }, 'Overwrite');
    return answer === 'Overwrite';
  }
  const answer = await vscode.window.showInformationMessage(`Write ${plan.file}?`, { modal: true, detail }, 'Write');
  return answer === 'Write';
}
