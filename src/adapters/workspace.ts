// Opens a repository for the hotfix engine: finds it, reads and validates .hotfix/config.yaml,
// resolves the git settings against the branches and tags it has, and builds the context with the
// real adapters. Both front ends (the CLI and the extension) start here. A deploy or a rollback opens
// less (openRepository): it asks git nothing about branches, and reads the tags only for a release.

import * as path from 'node:path';
import { detectTagPrefix, resolveGitSettings } from '../core/config/defaults';
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

/** A repository found, its configuration read and checked, and its git adapter; no branch asked about. */
export interface OpenRepository {
  readonly location: RepositoryLocation;
  readonly config: HotfixConfigFile;
  readonly git: SimpleGitRepo;
  /** The release tags' prefix: git.tagPrefix, else the one most tags use (every tag read, on first ask). */
  tagPrefix(): Promise<string>;
}

/**
 * How one operation reaches its repository: each folder located once, and the acting git identity read
 * once, so a rollback that opens its target and then its incidents starts git for them once. Each open
 * still gets a git adapter of its own (its read cache cleared by its own writes only). An operation
 * makes its own (operationRepository); it lives as long as the operation.
 */
export interface RepositoryAccess {
  locate(dir: string): Promise<RepositoryLocation | undefined>;
  /** `user.name <user.email>` of the repository's git configuration, or undefined. */
  identity(location: RepositoryLocation): Promise<string | undefined>;
  /**
   * Starts reading the identity of the repository `dir` is in now, alongside `locate(dir)` (asked
   * after this), rather than after it: an operation that acts (a deploy, a rollback) needs both.
   */
  prefetchIdentity(dir: string): void;
}

export interface OpenOptions {
  /** Overrides from the command line, applied over the file (e.g. --model). */
  readonly git?: GitConfigFile;
  /** Called with each git command's arguments, for a debug log. */
  readonly onGitCommand?: (args: readonly string[]) => void;
  /** The operation's reader (read once); default: the file, read now. */
  readonly readConfig?: ConfigReader;
  /** The operation's way to its repository; default: found now, a git adapter of its own. */
  readonly access?: RepositoryAccess;
}

/** Where the engine keeps its state: shared by all worktrees of the repository. */
export function stateDir(location: RepositoryLocation): string {
  return path.join(location.commonDir, 'hotfix');
}

/** A RepositoryAccess for one operation; `onGitCommand` hears the identity's read. */
export function operationRepository(options: { readonly onGitCommand?: (args: readonly string[]) => void } = {}): RepositoryAccess {
  const located = new Map<string, Promise<RepositoryLocation | undefined>>();
  const identities = new Map<string, Promise<string | undefined>>();
  // By directory: read there, git finds the same repository as rev-parse does (GIT_DIR and all).
  const early = new Map<string, Promise<string | undefined>>();
  const gitAt = (root: string, gitDir: string) => new SimpleGitRepo(root, { gitDir, ...(options.onGitCommand ? { onCommand: options.onGitCommand } : {}) });
  const once = <T>(map: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> => {
    let got = map.get(key);
    if (got === undefined) {
      got = read();
      map.set(key, got);
      got.catch(() => map.delete(key));
    }
    return got;
  };
  const access: RepositoryAccess = {
    locate: (dir) =>
      once(located, dir, async () => {
        const location = await locateRepository(dir);
        const prefetched = early.get(dir);
        // Linked before any caller sees the location, so identity(location) never reads it twice.
        if (location && prefetched && !identities.has(location.gitDir)) identities.set(location.gitDir, prefetched);
        return location;
      }),
    identity: (location) => once(identities, location.gitDir, () => gitAt(location.root, location.gitDir).identity()),
    prefetchIdentity: (dir) => {
      // Located already (the incidents opened first): the identity of that location, read once.
      const location = located.get(dir);
      if (location) return void location.then((l) => l && access.identity(l)).catch(() => undefined);
      // The identity reads no file of the git directory (only `git config`): not known yet, not needed.
      void once(early, dir, () => gitAt(dir, dir).identity());
    },
  };
  return access;
}

/** The repository `dir` is in, with its configuration: what a deploy, a rollback or a read needs. */
export async function openRepository(dir: string, options: Omit<OpenOptions, 'git'> = {}): Promise<Result<OpenRepository>> {
  const location = await (options.access ?? operationRepository()).locate(dir);
  if (!location) {
    const why = await whyNoRepository(dir);
    return badInput(why.reason, why.hint);
  }
  const config = await (options.readConfig ?? readConfigFile)(location.root);
  if (!config.ok) {
    return config; // bad input: the file's to fix (readConfigFile says so)
  }
  const git = new SimpleGitRepo(location.root, { gitDir: location.gitDir, ...(options.onGitCommand ? { onCommand: options.onGitCommand } : {}) });
  const configured = config.value.git?.tagPrefix;
  let prefix: Promise<string> | undefined;
  const tagPrefix = (): Promise<string> => (prefix ??= configured !== undefined ? Promise.resolve(configured) : git.tagNames().then(detectTagPrefix));
  return succeeded({ location, config: config.value, git, tagPrefix });
}

export async function openWorkspace(dir: string, options: OpenOptions = {}): Promise<Result<OpenWorkspace>> {
  const repository = await openRepository(dir, options);
  return repository.ok ? workspaceOf(repository.value, options.git) : repository;
}

/**
 * An opened repository made the hotfix engine's: its git settings resolved against its branches, tags
 * and remotes (read through its own git adapter, so what it has read already is not read again).
 */
export async function workspaceOf(repository: OpenRepository, overrides?: GitConfigFile): Promise<Result<OpenWorkspace>> {
  const { location, config, git } = repository;
  const [localBranches, remoteBranches, tags, remotes] = await Promise.all([git.localBranches(), git.remoteBranches(), git.tagNames(), git.remotes()]);
  const settings = resolveGitSettings({ ...config.git, ...overrides }, { localBranches, remoteBranches, tags, remotes });
  if (!settings.ok) {
    return settings;
  }
  const state = stateDir(location);
  const trackerUrlTemplate = config.issueTracker?.urlTemplate;
  return succeeded({
    location,
    config,
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
