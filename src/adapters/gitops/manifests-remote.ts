// The address of a target's manifests clone's remote, as git is configured: the forge its requests
// are read from (a restore that waits for the manifests change to be merged). Undefined when the
// clone or the remote is not there.

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Target } from '../../core/config/targets';
import { gitRunner } from './git-runner';

export async function manifestsRemoteUrl(root: string, target: Target): Promise<string | undefined> {
  const manifests = target.gitops.manifests;
  if (!manifests) return undefined;
  const repo = path.resolve(root, manifests.repo);
  if (!existsSync(repo)) return undefined;
  const url = await gitRunner(repo)(['config', '--get', `remote.${manifests.remote}.url`]).catch(() => '');
  return url.trim() || undefined;
}
