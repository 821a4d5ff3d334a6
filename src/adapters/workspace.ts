// Opens a repository for the hotfix engine: finds it, reads and validates .hotfix/config.yaml,
// resolves the git settings against the branches and tags it has, and builds the context with the
// real adapters. Both front ends (the CLI and the extension) start here.

import * as path from 'node:path';
import { resolveGitSettings } from '../core/config/defaults';
import type { GitConfigFile, HotfixConfigFile } from '../core/config/types';
import type { HotfixContext } from '../core/hotfix/context';
import { systemClock } from '../core/ports';
import { badInput, succeeded, type Result } from '../core/result';
import { gitAuditAnchoring } from './audit-anchor';
import { readConfigFile, type ConfigReader } from './config-file';
import { locateRepository, whyNoRepository, type RepositoryLocation } from './git/discovery';
import { SimpleGitRepo } from './git/simple-git-repo';
import { auditLogAt } from './store/audit-file';
import { FileStateStore } from './store/file-store';

export interface OpenWorkspace {
  readonly location: RepositoryLocation;
  readonly config: HotfixConfigFile;
  readonly context: HotfixContext;
}

export interface OpenOptions {
  /** Overrides from the command line, applied over the file (e.g. --model). */
  readonly git?: GitConfigFile;
  /** Called with each git command's arguments, for a debug log. */
  readonly onGitCommand?: (args: readonly string[]) => void;
  /** The operation's reader (read once); default: the file, read now. */
  readonly readConfig?: ConfigReader;
}

/** Where the engine keeps its state: shared by all worktrees of the repository. */
export function stateDir(location: RepositoryLocation): string {
  return path.join(location.commonDir, 'hotfix');
}

export async function openWorkspace(dir: string, options: OpenOptions = {}): Promise<Result<OpenWorkspace>> {
  const location = await locateRepository(dir);
  if (!location) {
    const why = await whyNoRepository(dir);
    return badInput(why.reason, why.hint);
  }
  const config = await (options.readConfig ?? readConfigFile)(location.root);
  if (!config.ok) {
    return config; // bad input: the file's to fix (readConfigFile says so)
  }
  const git = new SimpleGitRepo(location.root, { gitDir: location.gitDir, ...(options.onGitCommand ? { onCommand: options.onGitCommand } : {}) });
  const [localBranches, remoteBranches, tags, remotes] = await Promise.all([git.localBranches(), git.remoteBranches(), git.tags(), git.remotes()]);
  const settings = resolveGitSettings({ ...config.value.git, ...options.git }, { localBranches, remoteBranches, tags: tags.map((t) => t.name), remotes });
  if (!settings.ok) {
    return settings;
  }
  const state = stateDir(location);
  const trackerUrlTemplate = config.value.issueTracker?.urlTemplate;
  return succeeded({
    location,
    config: config.value,
    context: {
      git,
      store: new FileStateStore(state),
      audit: auditLogAt(path.join(state, 'audit.jsonl')),
      clock: systemClock,
      settings: settings.value,
      ...(trackerUrlTemplate !== undefined ? { trackerUrlTemplate } : {}),
      // finish anchors the audit chain in git beside its push (src/core/audit/anchor.ts).
      auditAnchor: gitAuditAnchoring(location.root, path.join(state, 'audit.jsonl')),
    },
  });
}
