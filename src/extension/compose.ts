// The extension's composition root for operations: builds the environment of one command call (the
// repository picked, the kubeconfig setting, the notification secrets from SecretStorage) and its
// Interaction, answered with modals, input boxes and quick picks. Progress goes to the log and, while
// `withProgress` runs, to a cancellable notification whose Cancel stops the operation at a safe point.

import * as vscode from 'vscode';
import type { AppEnv } from '../app/env';
import type { AskRequest, ChooseRequest, ConfirmRequest, Interaction } from '../app/interaction';
import { mustAsk, type Confirmation } from './command-args';
import type { ForgeTarget } from '../core/hotfix/forge';
import type { NotificationSecrets } from './incident/notify-secrets';
import { label } from './incident/present';
import { helmPathSetting, kubeconfigSetting } from './settings';
import { isTrusted } from './trust';
import { UNTRUSTED_CLUSTER, UNTRUSTED_FORGE } from './trust-gate';

export interface EditorDeps {
  readonly log: vscode.LogOutputChannel;
  /** The channels' secrets in SecretStorage; absent: the environment's only. */
  readonly secrets?: NotificationSecrets;
}

/** The Interaction of one command call; `given` is how the call was confirmed before it asked. */
export class EditorInteraction implements Interaction {
  readonly interactive = true;
  private readonly abort = new AbortController();
  private report: ((message: string) => void) | undefined;
  private given: Confirmation;

  /**
   * `afterConfirm`: what this window does once the person said yes, before the operation writes
   * (Promote or Abort Canary first stops a deploy of the same target running in this window).
   */
  constructor(
    private readonly log: vscode.LogOutputChannel,
    given: Confirmation,
    private readonly afterConfirm?: () => Promise<unknown>,
  ) {
    this.given = given;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  async confirm(request: ConfirmRequest): Promise<boolean> {
    const isProtected = request.typeToConfirm !== undefined;
    if (!mustAsk(this.given, isProtected)) {
      await this.afterConfirm?.();
      return true;
    }
    const where = request.where ? ` in ${request.where}` : '';
    let yes: boolean;
    if (request.typeToConfirm !== undefined) {
      const name = request.typeToConfirm;
      const typed = await vscode.window.showInputBox({
        title: `Hotfix: ${request.action}`,
        prompt: `${name} is protected. ${request.action}${where}. Type ${name} to confirm.`,
        placeHolder: name,
        ignoreFocusOut: true,
        validateInput: (value) => (value === '' || value === name ? undefined : `Type ${name} exactly, or press Escape.`),
      });
      yes = typed === name;
    } else {
      const button = request.button ?? 'Continue';
      const detail = [request.detail, request.where ? `Through ${request.where}.` : undefined].filter((line) => line !== undefined).join('\n');
      yes = (await vscode.window.showWarningMessage(`${request.action}?`, { modal: true, ...(detail ? { detail } : {}) }, button)) === button;
    }
    // Asked once per call: the engine's later checks of the same call stand on this answer.
    if (yes) {
      this.given = 'asked';
      await this.afterConfirm?.();
    }
    return yes;
  }

  async choose<T>(request: ChooseRequest<T>): Promise<T | undefined> {
    // Whether Argo CD or Flux may be paused is a warning with two ways on: a modal, each way explained.
    if (request.subject === 'gitops') {
      const picked = await vscode.window.showWarningMessage(
        request.title,
        { modal: true, detail: request.choices.map((c) => `${c.label}${c.detail ? `: ${c.detail}` : ''}.`).join('\n') },
        ...request.choices.map((c) => c.label),
      );
      return request.choices.find((c) => c.label === picked)?.value;
    }
    const picked = await vscode.window.showQuickPick(
      // Labels carry what others wrote (an incident's title): shown as text, never as $(icons).
      request.choices.map((c) => ({ label: label(c.label), ...(c.detail ? { detail: label(c.detail) } : {}), value: c.value })),
      { title: `Hotfix: ${request.title}`, ignoreFocusOut: true },
    );
    return picked?.value;
  }

  async ask(request: AskRequest): Promise<string | undefined> {
    const answer = await vscode.window.showInputBox({
      title: `Hotfix: ${request.title}`,
      prompt: request.prompt,
      ...(request.value !== undefined ? { value: request.value } : {}),
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === '' ? 'A value is needed.' : request.validate?.(value.trim())),
    });
    const trimmed = answer?.trim();
    return trimmed === undefined || trimmed === '' ? undefined : trimmed;
  }

  progress(message: string): void {
    this.log.info(message);
    this.report?.(message);
  }

  step(message: string): void {
    this.progress(message);
  }

  output(_step: string, line: string): void {
    this.log.info(`  │ ${line}`);
  }

  note(message: string): void {
    this.log.info(message);
  }

  warn(message: string): void {
    this.log.warn(message);
    void vscode.window.showWarningMessage(`Hotfix: ${message}`);
  }

  /** Runs `task` under a cancellable progress notification titled `title`; Cancel aborts this interaction's signal. */
  withProgress<T>(title: string, task: () => Promise<T>): Thenable<T> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (report, token) => {
      const cancel = token.onCancellationRequested(() => this.abort.abort());
      this.report = (message) => report.report({ message });
      try {
        return await task();
      } finally {
        this.report = undefined;
        cancel.dispose();
      }
    });
  }

  /** Stops the operation at its next safe point (Promote or Abort Canary taking over). */
  cancel(): void {
    this.abort.abort();
  }
}

/**
 * The environment of one command call in the repository at `root`: the machine's kubeconfig setting,
 * the SecretStorage secrets, and no cluster at all in an untrusted workspace.
 */
export async function editorEnv(deps: EditorDeps, root: string, interaction: Interaction): Promise<AppEnv> {
  const kubeconfig = kubeconfigSetting();
  const helmPath = helmPathSetting();
  // Loaded on the first operation, not at activation: the environment brings the stores and the git client.
  const { createEnv } = await import('../app/env.js');
  const env = createEnv({
    dir: root,
    interaction,
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
    ...(helmPath !== undefined ? { helmPath } : {}),
    secrets: deps.secrets ? await deps.secrets.env() : process.env,
    onGitCommand: (args) => deps.log.trace(`git ${args.join(' ')}`),
    forgeToken: (forge, options) => forgeToken(forge, deps, interaction.interactive && options?.prompt !== false),
  });
  return {
    ...env,
    // The commands are refused before they get here; this keeps every other path off the cluster too.
    target: (name) => (isTrusted() ? env.target(name) : Promise.resolve({ ok: false, reason: UNTRUSTED_CLUSTER })),
  };
}

/**
 * A forge's token from VS Code: GitHub through its own sign-in (the built-in github for github.com,
 * github-enterprise for the host its github-enterprise.uri setting names), GitLab from SecretStorage
 * for that host. Each goes only to the host it belongs to, whatever a repository's git.forge says, and
 * none at all (not even the environment's) from an untrusted workspace, whose configuration could name
 * any server. Undefined: the environment's GITHUB_TOKEN / GITLAB_TOKEN are tried next. Never logged.
 * Asked without a sign-in prompt when nobody is there to answer it (the views).
 */
async function forgeToken(forge: ForgeTarget, deps: EditorDeps, interactive: boolean): Promise<string | undefined | { refused: string; hint: string }> {
  if (!isTrusted()) return { refused: UNTRUSTED_FORGE, hint: `Trust the workspace, or finish from a terminal with ${forge.kind === 'gitlab' ? 'GITLAB_TOKEN' : 'GITHUB_TOKEN'} set.` };
  const origin = originOf(forge.api);
  if (forge.kind === 'gitlab') return origin !== undefined ? deps.secrets?.forgeToken('gitlab', origin) : undefined;
  const enterprise = originOf(vscode.workspace.getConfiguration('github-enterprise').get<string>('uri') ?? '');
  const provider = forge.api === 'https://api.github.com' ? 'github' : enterprise !== undefined && enterprise === origin ? 'github-enterprise' : undefined;
  if (provider === undefined) return undefined;
  try {
    const session = await vscode.authentication.getSession(provider, ['repo'], interactive ? { createIfNone: true } : { silent: true });
    return session?.accessToken;
  } catch (error) {
    deps.log.warn(`No ${provider} sign-in for ${forge.repository}: ${error instanceof Error ? error.message : String(error)}; trying GITHUB_TOKEN`);
    return undefined;
  }
}

function originOf(url: string): string | undefined {
  try {
    return url === '' ? undefined : new URL(url).origin;
  } catch {
    return undefined;
  }
}
