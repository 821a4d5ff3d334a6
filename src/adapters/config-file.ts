// Reads the team configuration file from the repository's work tree; parsing and checking are the engine's.
// The parser (yaml, ajv, the JSON Schema) is loaded on the first read, not at activation: the build
// bundles it apart (dist/config.js, see scripts/build.mjs).

import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CONFIG_PATH, type HotfixConfigFile } from '../core/config/types';
import { failed, succeeded, type Result } from '../core/result';

export { CONFIG_PATH };

/** `<root>/.hotfix/config.yaml`, parsed; a repository without the file has the empty configuration. */
export async function readConfigFile(root: string): Promise<Result<HotfixConfigFile>> {
  let text: string;
  try {
    text = await readFile(path.join(root, ...CONFIG_PATH.split('/')), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: `.hotfix` is a file, so there is no configuration folder either.
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return succeeded({});
    }
    return failed(
      `${CONFIG_PATH}: cannot be read (${code ?? (error instanceof Error ? error.message : String(error))}).`,
      `Make ${CONFIG_PATH} a readable file in the repository root.`,
    );
  }
  const { parseConfig } = await import('../core/config/parse.js');
  // The label is the path relative to the root: what a person sees in the explorer and in git.
  return parseConfig(text, CONFIG_PATH);
}
