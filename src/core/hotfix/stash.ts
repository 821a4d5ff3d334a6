// Putting uncommitted work aside before a hotfix, when the person asks for it: a named stash that
// `git stash list` shows and the audit log records, so nothing is lost or forgotten.

import { audit, type HotfixContext } from './context';

export async function stashForHotfix(ctx: HotfixContext, issueKey: string): Promise<string> {
  const branch = (await ctx.git.currentBranch()) ?? 'detached HEAD';
  const message = `hotfix-deployer: work on ${branch} set aside for hotfix ${issueKey}`;
  const files = (await ctx.git.status()).changed;
  await ctx.git.stash(message);
  await audit(ctx, { action: 'hotfix.stash', subject: branch, details: { issue: issueKey, files: files.join(', ') } });
  return message;
}
