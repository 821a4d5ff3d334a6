// Reads the team configuration file from the repository's work tree; parsing and checking are the engine's.
// The parser (yaml, ajv, the JSON Schema) is loaded on the first read, not at activation: the build
// bundles it apart (dist/config.js, see scripts/build.mjs).

import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { CONFIG_MAX_BYTES, configTooLarge } from '../core/config/size';
import { CONFIG_PATH, type HotfixConfigFile } from '../core/config/types';
import { badInput, succeeded, type Result } from '../core/result';
import type { ParsedConfigCache } from './config-cache';

export { CONFIG_PATH };

/**
 * The file's text, or its size when over `limit` (undefined when no end was found within it). Reads at most
 * one byte past the limit, whatever the size says: a device (a symlink to /dev/zero) or a file growing while
 * read has no honest size, and a cloned repository is not trusted to hold a small file there.
 */
async function readAtMost(file: string, limit: number): Promise<{ text: string } | { tooLarge: number | undefined }> {
  // Non-blocking: a named pipe there would otherwise hold the open until something writes to it.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const { size } = await handle.stat();
    if (size > limit) {
      return { tooLarge: size };
    }
    const buffer = Buffer.allocUnsafe(limit + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > limit) return { tooLarge: undefined };
    }
    return { text: buffer.toString('utf8', 0, length) };
  } finally {
    await handle.close();
  }
}

/** How an operation reads the configuration: once, then the same answer (see memoConfigReader). */
export type ConfigReader = (root: string) => Promise<Result<HotfixConfigFile>>;

/**
 * A reader that parses each repository's file once and hands every later caller the same result:
 * one operation (a deploy opens the workspace, the target, the incidents, the channels) reads the
 * file once, and sees one version of it even if it is edited meanwhile.
 */
export function memoConfigReader(read: ConfigReader = readConfigFile): ConfigReader {
  const kept = new Map<string, Promise<Result<HotfixConfigFile>>>();
  return (root) => {
    let config = kept.get(root);
    if (config === undefined) {
      config = read(root);
      kept.set(root, config);
    }
    return config;
  };
}

/**
 * `<root>/.hotfix/config.yaml`, parsed; a repository without the file has the empty configuration.
 * With `cache` (the CLI's), a text parsed before by the same parser is not parsed again.
 */
export async function readConfigFile(root: string, cache?: ParsedConfigCache): Promise<Result<HotfixConfigFile>> {
  let text: string;
  try {
    const read = await readAtMost(path.join(root, ...CONFIG_PATH.split('/')), CONFIG_MAX_BYTES);
    if ('tooLarge' in read) {
      return { ...configTooLarge(CONFIG_PATH, read.tooLarge), failure: 'input' };
    }
    text = read.text;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: `.hotfix` is a file, so there is no configuration folder either.
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return succeeded({});
    }
    return badInput(
      `${CONFIG_PATH}: cannot be read (${code ?? (error instanceof Error ? error.message : String(error))}).`,
      `Make ${CONFIG_PATH} a readable file in the repository root.`,
    );
  }
  const kept = cache?.read(text);
  if (kept) return succeeded(kept);
  const { parseConfig } = await import('../core/config/parse.js');
  // The label is the path relative to the root: what a person sees in the explorer and in git.
  const parsed = parseConfig(text, CONFIG_PATH);
  if (parsed.ok) cache?.keep(text, parsed.value);
  // A wrong file is the person's to fix (exit 2 in the CLI), refused before anything is touched.
  return parsed.ok ? parsed : { ...parsed, failure: 'input' };
}
