// The extension's composition root for operations: builds the environment of one command call (the
// repository picked, the kubeconfig setting, the notification secrets from SecretStorage) and its
// Interaction, answered with modals, input boxes and quick picks. Progress goes to the log and, while
// `withProgress` runs, to a cancellable notification whose Cancel stops the operation at a safe point.

import * as vscode from 'vscode';
import { createEnv, type AppEnv } from '../app/env';
import type { AskRequest, ChooseRequest, ConfirmRequest, Interaction } from '../app/interaction';
import { mustAsk, type Confirmation } from './command-args';
import type { NotificationSecrets } from './incident/notify-secrets';
import { kubeconfigSetting } from './settings';
import { isTrusted } from './trust';
import { UNTRUSTED_CLUSTER } from './trust-gate';

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

  constructor(
    private readonly log: vscode.LogOutputChannel,
    given: Confirmation,
  ) {
    this.given = given;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  async confirm(request: ConfirmRequest): Promise<boolean> {
    const isProtected = request.typeToConfirm !== undefined;
    if (!mustAsk(this.given, isProtected)) return true;
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
      yes = (await vscode.window.showWarningMessage(`${request.action}?`, { modal: true, ...(request.where ? { detail: `Through ${request.where}.` } : {}) }, button)) === button;
    }
    // Asked once per call: the engine's later checks of the same call stand on this answer.
    if (yes) this.given = 'asked';
    return yes;
  }

  async choose<T>(request: ChooseRequest<T>): Promise<T | undefined> {
    const picked = await vscode.window.showQuickPick(
      request.choices.map((c) => ({ label: c.label, ...(c.detail ? { detail: c.detail } : {}), value: c.value })),
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
  const env = createEnv({
    dir: root,
    interaction,
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
    secrets: deps.secrets ? await deps.secrets.env() : process.env,
  });
  return {
    ...env,
    // The commands are refused before they get here; this keeps every other path off the cluster too.
    target: (name, options) => (isTrusted() ? env.target(name, options) : Promise.resolve({ ok: false, reason: UNTRUSTED_CLUSTER })),
  };
}
