// The forge of a remote, opened with the person's token, for every front end: the finish through pull
// requests and the GitOps manifests request. The token comes from the front end (VS Code's GitHub
// sign-in, a GitLab token in SecretStorage), else the environment (GITHUB_TOKEN / GH_TOKEN,
// GITLAB_TOKEN); it is never printed. The clients are loaded only here (their own bundles).

import { FORGE_TOKEN_ENV } from '../adapters/notify/secret-env';
import type { ForgeConfig } from '../core/config/types';
import { resolveForge, type Forge, type ForgeTarget } from '../core/hotfix/forge';
import { badInput, succeeded, type Result } from '../core/result';
import type { AppEnv } from './env';

/** The forge `remoteUrl` is on (git.forge where it says), with a token; a refusal that says what to set otherwise. */
export async function openForge(env: AppEnv, remoteUrl: string | undefined, config: ForgeConfig | undefined, why: string, options: { readonly prompt?: boolean } = {}): Promise<Result<Forge>> {
  const target = resolveForge(remoteUrl, config);
  if (!target) {
    return badInput(
      `${why}, and the remote${remoteUrl ? ` ${remoteUrl}` : ''} is not on a forge this tool knows.`,
      'Set git.forge.kind (github or gitlab), and git.forge.api for GitHub Enterprise or a self-managed GitLab, in .hotfix/config.yaml.',
    );
  }
  const names = FORGE_TOKEN_ENV[target.kind];
  const given = await env.forgeToken?.(target, options);
  if (typeof given === 'object') return badInput(given.refused, given.hint);
  const token = given ?? names.map((n) => env.secrets[n]?.trim()).find((t): t is string => t !== undefined && t !== '');
  if (token === undefined) {
    return badInput(
      `No ${target.kind === 'github' ? 'GitHub' : 'GitLab'} token to open the requests on ${target.web} with.`,
      `Set ${names.join(' or ')} to a token with access to ${target.repository} (in VS Code: sign in to GitHub, or store the GitLab token).`,
    );
  }
  return succeeded(await clientOf(target, token));
}

async function clientOf(target: ForgeTarget, token: string): Promise<Forge> {
  if (target.kind === 'gitlab') {
    const { GitlabForge } = await import('../adapters/forge/gitlab.js');
    return new GitlabForge(target, token);
  }
  const { GithubForge } = await import('../adapters/forge/github.js');
  return new GithubForge(target, token);
}

/** The forge the repository's requests go to (git.forge, else the remote's address); undefined when it is on none. */
export async function repositoryForge(env: AppEnv): Promise<ForgeTarget | undefined> {
  const opened = await env.workspace();
  if (!opened.ok) return undefined;
  const { settings, git } = opened.value.context;
  const url = settings.remote !== undefined ? await git.remoteUrl(settings.remote).catch(() => undefined) : undefined;
  return resolveForge(url, settings.forge);
}

/** Undefined when `token` reaches the repository on `target`; else why not, in a line (never the token). */
export async function tokenProblem(target: ForgeTarget, token: string): Promise<string | undefined> {
  try {
    await (await clientOf(target, token)).check();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
