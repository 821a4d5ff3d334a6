// Node kinds of the Hotfixes view. Each carries the repository root it belongs to, so a command run
// from its context menu acts on the right repository in a multi-root workspace. contextValues are
// structured (`hotfix.branch.current+issue`) for `when` clauses in package.json.

import * as vscode from 'vscode';
import type { CommitInfo } from '../../core/hotfix/ports';
import { checkWords, mergeWords, requestDescription, type FinishRequestRow } from '../../app/hotfix-requests';
import type { FinishProgress, HotfixBranchStatus, HotfixStatus } from '../../core/hotfix/status';
import { COMMANDS } from '../../shared/ids';

export type HotfixNode = RepositoryNode | BaselineNode | FinishNode | RequestNode | BranchNode | CommitNode | MessageNode;

const short = (sha: string | undefined) => (sha ?? '').slice(0, 8);

export class RepositoryNode extends vscode.TreeItem {
  readonly kind = 'repository';
  constructor(
    readonly root: string,
    readonly status: HotfixStatus | undefined,
  ) {
    super(vscode.Uri.file(root), vscode.TreeItemCollapsibleState.Expanded);
    this.contextValue = 'hotfix.repository';
    this.iconPath = new vscode.ThemeIcon('repo');
    this.description = status ? `${status.model}` : undefined;
  }
}

export class BaselineNode extends vscode.TreeItem {
  readonly kind = 'baseline';
  constructor(
    readonly root: string,
    production: HotfixStatus['production'],
  ) {
    super(production.tag ? `${production.branch} · ${production.tag}` : production.branch, vscode.TreeItemCollapsibleState.None);
    this.contextValue = 'hotfix.baseline';
    this.iconPath = new vscode.ThemeIcon('tag');
    const date = production.date ? new Date(production.date).toLocaleString() : undefined;
    this.description = [short(production.tagSha ?? production.sha), date].filter(Boolean).join(' · ');
    this.tooltip = new vscode.MarkdownString(
      `**Production baseline**\n\nbranch \`${production.branch}\` at \`${short(production.sha)}\`` +
        (production.tag ? `\n\nrelease tag \`${production.tag}\` at \`${short(production.tagSha)}\`${date ? `, ${date}` : ''}` : '\n\nno release tag'),
    );
  }
}

export class FinishNode extends vscode.TreeItem {
  readonly kind = 'finish';
  constructor(
    readonly root: string,
    readonly finish: FinishProgress,
  ) {
    // Its requests (through a forge) are its children, read live when shown.
    super(`Finishing ${finish.branch}`, finish.pulls && Object.keys(finish.pulls).length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    // Through a forge, a finish waits for a request to be merged: clicking the row opens it.
    const awaited = finish.next?.startsWith('await:') ? finish.next.slice('await:'.length) : undefined;
    const waitingOn = awaited !== undefined ? finish.pulls?.[awaited] : undefined;
    const state = finish.stopped ? 'stopped' : finish.lastError ? 'failed' : waitingOn ? 'waiting' : 'interrupted';
    this.contextValue = `hotfix.finish.${state}`;
    this.iconPath = new vscode.ThemeIcon(finish.stopped ? 'git-merge' : finish.lastError ? 'error' : waitingOn ? 'git-pull-request' : 'debug-pause');
    this.description = finish.stopped
      ? `conflicts in ${finish.stopped.files.join(', ')} · next: ${finish.next ?? '-'}`
      : finish.lastError
        ? `failed at ${finish.lastError.step}`
        : waitingOn
          ? `waiting for #${waitingOn.number} into ${awaited ?? ''} to be merged`
          : `next: ${finish.next ?? '-'}`;
    if (waitingOn) this.command = { command: 'vscode.open', title: `Open #${waitingOn.number}`, arguments: [vscode.Uri.parse(waitingOn.url)] };
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**Finish of \`${finish.branch}\` in progress**\n\n`);
    tooltip.appendText(`Done: ${finish.done.join(', ') || 'nothing yet'}\nNext: ${finish.next ?? '-'}\n`);
    if (finish.stopped) tooltip.appendText(`Resolve the conflicts in ${finish.stopped.files.join(', ')}, stage them, then Continue Finish (or Abort Finish).`);
    if (finish.lastError) tooltip.appendText(`Error: ${finish.lastError.message}`);
    for (const [into, pull] of Object.entries(finish.pulls ?? {})) {
      // The forge's address as text, never as markdown: clicking the row opens the one waited on.
      tooltip.appendText(`\n#${pull.number} into ${into}: ${pull.mergeCommit !== undefined ? 'merged' : 'open'} ${pull.url}`);
    }
    if (waitingOn) tooltip.appendText('\nOnce it is merged, Continue Finish looks again (its reviews, checks and mergeability).');
    this.tooltip = tooltip;
  }
}

/**
 * A request the finish opened, as the forge shows it now: its reviews, checks and mergeability, with
 * Open Pull Request as its button (and on a click). Every forge string is plain text here.
 */
export class RequestNode extends vscode.TreeItem {
  readonly kind = 'request';
  readonly url: string;
  constructor(
    readonly root: string,
    readonly row: FinishRequestRow,
    noun: string,
    waitedOn: boolean,
  ) {
    super(`${noun === 'merge request' ? '!' : '#'}${row.number} into ${row.into}`, vscode.TreeItemCollapsibleState.None);
    this.url = row.url;
    const view = row.view;
    const state = row.merged ? 'merged' : view?.state === 'closed' ? 'closed' : row.error !== undefined ? 'unknown' : view ? 'open' : 'unknown';
    this.contextValue = `hotfix.request.${state}`;
    this.description = requestDescription(row);
    this.iconPath = new vscode.ThemeIcon(
      state === 'merged' ? 'git-merge' : state === 'closed' ? 'git-pull-request-closed' : row.error !== undefined ? 'warning' : view?.checks.failed.length || view?.mergeable === false ? 'error' : 'git-pull-request',
      state === 'open' && waitedOn ? new vscode.ThemeColor('charts.yellow') : undefined,
    );
    this.command = { command: COMMANDS.openRequest, title: 'Open Pull Request', arguments: [{ url: row.url }] };
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${noun === 'merge request' ? 'Merge' : 'Pull'} request into \`${row.into}\`**${waitedOn ? ' (the finish waits for it)' : ''}\n\n`);
    tooltip.appendText(`${view ? view.title : row.url}\n`);
    if (view) {
      tooltip.appendText(`\nState: ${view.state}${view.state === 'open' ? `, ${mergeWords(view)}` : ''}`);
      tooltip.appendText(`\nReviews: ${[...view.reviews.approved.map((r) => `approved by ${r}`), ...view.reviews.changesRequested.map((r) => `changes requested by ${r}`)].join(', ') || 'none yet'}`);
      tooltip.appendText(`\nChecks: ${checkWords(view) || 'none'}`);
    }
    if (row.error !== undefined) tooltip.appendText(`\nThe forge could not be asked: ${row.error}`);
    tooltip.appendText(`\n${row.url}`);
    this.tooltip = tooltip;
  }
}

export class BranchNode extends vscode.TreeItem {
  readonly kind = 'branch';
  constructor(
    readonly root: string,
    readonly branch: HotfixBranchStatus,
  ) {
    super(branch.name, branch.commits.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    const where = branch.current ? 'current' : branch.local ? 'local' : 'remote';
    this.contextValue = `hotfix.branch.${where}${branch.issueUrl ? '+issue' : ''}`;
    this.iconPath = new vscode.ThemeIcon(branch.current ? 'git-branch' : 'git-branch', branch.current ? new vscode.ThemeColor('charts.orange') : undefined);
    this.description = [
      branch.issueKey,
      branch.severity,
      `${branch.commits.length} ahead`,
      branch.local && branch.remote ? 'pushed' : branch.local ? 'local only' : 'remote only',
    ]
      .filter(Boolean)
      .join(' · ');
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${branch.current ? 'Current hotfix' : 'Hotfix'}**\n\n`);
    tooltip.appendText(`${branch.name}\nIssue: ${branch.issueKey}${branch.title ? ` — ${branch.title}` : ''}\n`);
    if (branch.baseline) tooltip.appendText(`From: ${branch.baseline.tag ?? branch.baseline.ref} (${short(branch.baseline.sha)})\n`);
    if (branch.issueUrl) tooltip.appendText(`Tracker: ${branch.issueUrl}\n`);
    this.tooltip = tooltip;
  }
}

export class CommitNode extends vscode.TreeItem {
  readonly kind = 'commit';
  constructor(
    readonly root: string,
    commit: CommitInfo,
  ) {
    super(commit.subject, vscode.TreeItemCollapsibleState.None);
    this.contextValue = 'hotfix.commit';
    this.iconPath = new vscode.ThemeIcon('git-commit');
    this.description = `${short(commit.sha)} · ${commit.author}`;
    this.tooltip = `${commit.sha}\n${commit.author}, ${commit.date}\n\n${commit.subject}`;
  }
}

/** A line of text in the tree: an error reading the repository, with what to do. */
export class MessageNode extends vscode.TreeItem {
  readonly kind = 'message';
  constructor(
    readonly root: string,
    message: string,
    detail?: string,
  ) {
    super(message, vscode.TreeItemCollapsibleState.None);
    this.contextValue = 'hotfix.message';
    this.iconPath = new vscode.ThemeIcon('warning');
    this.tooltip = detail ? `${message}\n\n${detail}` : message;
    this.command = { command: COMMANDS.showLog, title: 'Show Log' };
  }
}
