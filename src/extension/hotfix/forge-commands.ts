// The forge's side of a finish through requests, in the editor: Open Pull Request (a request row's
// button), and Hotfix: Set GitLab Token… (VS Code has no GitLab sign-in of its own, so the token is
// kept in SecretStorage, one per GitLab host, checked against the repository before it is kept).
// GitHub needs no command: VS Code's own GitHub sign-in is asked when a finish needs it.

import * as vscode from 'vscode';
import type { ForgeTarget } from '../../core/hotfix/forge';
import { editorEnv } from '../compose';
import type { NotificationSecrets } from '../incident/notify-secrets';
import type { Repositories } from '../repositories';
import type { CommandResult } from './commands';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Opens a request in the browser: a row of the Hotfixes view, or `{ url }`; only http(s) addresses. */
export async function openRequestCommand(arg?: unknown): Promise<CommandResult<string>> {
  const url = isObject(arg) && typeof arg.url === 'string' ? arg.url : undefined;
  let uri: vscode.Uri | undefined;
  try {
    uri = url !== undefined && /^https?:\/\//i.test(url) ? vscode.Uri.parse(url, true) : undefined;
  } catch {
    uri = undefined;
  }
  if (!uri) return { ok: false, reason: 'Open Pull Request takes a request row of the Hotfixes view (an http or https address).' };
  await vscode.env.openExternal(uri);
  return { ok: true, value: uri.toString(true) };
}

export interface SetTokenDeps {
  readonly repositories: Repositories;
  readonly secrets: NotificationSecrets;
  readonly log: vscode.LogOutputChannel;
}

export interface SetTokenArgs {
  /** The GitLab's address (https://gitlab.example.com); default: the one the open repositories use. */
  readonly host?: string;
  /** The token; with it nothing is asked (tests, other extensions). Checked all the same. */
  readonly token?: string;
  readonly remove?: boolean;
}

type Stored = { readonly host: string; readonly stored: boolean; readonly checkedOn?: string };

const TITLE = 'Hotfix: Set GitLab Token';
const cancelled = { ok: false as const, reason: 'cancelled' };

/** The GitLabs the open repositories' requests go to, by host origin, with a repository on each. */
async function gitlabsInUse(deps: SetTokenDeps): Promise<Map<string, ForgeTarget>> {
  const { repositoryForge } = await import('../../app/forge.js');
  const { silentInteraction } = await import('../../app/interaction.js');
  const found = new Map<string, ForgeTarget>();
  for (const repo of deps.repositories.all) {
    const forge = await repositoryForge(await editorEnv({ log: deps.log }, repo.root, silentInteraction())).catch(() => undefined);
    if (forge?.kind === 'gitlab') found.set(new URL(forge.api).origin, forge);
  }
  return found;
}

function originOf(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

async function pickHost(deps: SetTokenDeps, inUse: Map<string, ForgeTarget>, given: string | undefined): Promise<string | undefined> {
  if (given !== undefined) return originOf(given);
  if (inUse.size === 1) return [...inUse.keys()][0];
  if (inUse.size > 1) {
    const stored = await deps.secrets.forgeTokens('gitlab');
    const items = [...inUse].map(([origin, forge]) => ({ label: origin, description: forge.repository, detail: stored[origin] !== undefined ? 'a token is stored' : 'no token stored', origin }));
    return (await vscode.window.showQuickPick(items, { title: `${TITLE}: which GitLab?`, ignoreFocusOut: true }))?.origin;
  }
  const typed = await vscode.window.showInputBox({
    title: `${TITLE}: which GitLab?`,
    prompt: 'The address of the GitLab the token is for (no open repository names one).',
    value: 'https://gitlab.com',
    ignoreFocusOut: true,
    validateInput: (text) => (originOf(text) ? undefined : 'An address such as https://gitlab.example.com'),
  });
  return typed === undefined ? undefined : originOf(typed);
}

/**
 * Hotfix: Set GitLab Token… (a trusted workspace only: the host comes from a repository's configuration): for the GitLab the open repositories use (or the one given), a token in
 * a password box, checked against a repository there before it is kept; Remove forgets it. The token
 * is never shown, logged, or written anywhere but SecretStorage.
 */
export async function setGitlabTokenCommand(deps: SetTokenDeps, arg?: unknown): Promise<CommandResult<Stored>> {
  const args: SetTokenArgs = isObject(arg) ? arg : {};
  const inUse = await gitlabsInUse(deps);
  const host = await pickHost(deps, inUse, args.host);
  if (host === undefined) return args.host !== undefined ? { ok: false, reason: `"${args.host}" is not an http or https address.` } : cancelled;
  const name = new URL(host).host;

  let remove = args.remove === true;
  if (!remove && args.token === undefined && (await deps.secrets.forgeToken('gitlab', host)) !== undefined) {
    const action = await vscode.window.showQuickPick(
      [
        { label: 'Replace…', description: 'enter a new token', remove: false },
        { label: 'Remove', description: 'forget the stored one (GITLAB_TOKEN applies again, if set)', remove: true },
      ],
      { title: `${TITLE}: ${name}`, ignoreFocusOut: true },
    );
    if (!action) return cancelled;
    remove = action.remove;
  }
  if (remove) {
    await deps.secrets.storeForgeToken('gitlab', host, undefined);
    deps.log.info(`forge: the GitLab token for ${name} was removed from VS Code's secret storage`);
    void vscode.window.showInformationMessage(`Hotfix: the GitLab token for ${name} was removed.`);
    return { ok: true, value: { host, stored: false } };
  }

  const typed =
    args.token ??
    (await vscode.window.showInputBox({
      title: `${TITLE}: ${name}`,
      prompt: `A personal, project or group access token for ${name} with the api scope. Kept in VS Code's secret storage, for ${name} only.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (text) => (text.trim() === '' ? 'The token is empty.' : /\s/.test(text.trim()) ? 'A token has no spaces.' : undefined),
    }));
  if (typed === undefined) return cancelled;
  const token = typed.trim();
  if (token === '' || /\s/.test(token)) return { ok: false, reason: 'A GitLab token is one word without spaces.' };

  // Checked where it will be used: a repository on that GitLab, when one is open.
  const target = inUse.get(host);
  if (target) {
    const { tokenProblem } = await import('../../app/forge.js');
    const problem = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Hotfix: checking the token on ${target.repository}…` }, () => tokenProblem(target, token));
    if (problem !== undefined) {
      const reason = `The token was not stored: ${problem}`;
      deps.log.warn(`forge: ${reason}`);
      void vscode.window.showErrorMessage(`Hotfix: ${reason}`);
      return { ok: false, reason };
    }
  }
  await deps.secrets.storeForgeToken('gitlab', host, token);
  deps.log.info(`forge: a GitLab token for ${name} was stored in VS Code's secret storage${target ? ` (it reaches ${target.repository})` : ''}`);
  void vscode.window.showInformationMessage(`Hotfix: the GitLab token for ${name} is stored${target ? `; it reaches ${target.repository}` : ''}.`);
  return { ok: true, value: { host, stored: true, ...(target ? { checkedOn: target.repository } : {}) } };
}
