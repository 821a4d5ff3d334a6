// Writing a file a verb was asked to write with --output: never over an existing file without
// --force, and a missing folder or a folder given for a file said in one line, not a stack trace.

import { stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export type OutputWrite =
  | { readonly ok: true }
  /** exists: without --force. no-folder: its folder does not exist. not-a-file: a folder (or a file used as a folder) is in the way. */
  | { readonly ok: false; readonly usage: true; readonly reason: string }
  /** The file system refused (permissions, a full disk): not the command line's fault. */
  | { readonly ok: false; readonly usage: false; readonly reason: string };

/** Writes `content` to `file` (an absolute path), creating it, or replacing it only with `force`. */
export async function writeOutputFile(file: string, content: string, options: { readonly force: boolean; readonly mode?: number }): Promise<OutputWrite> {
  const isFolder = await stat(file).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isFolder) {
    return { ok: false, usage: true, reason: `${file} is a folder; pass --output=FILE naming a file, e.g. --output=${path.join(file, 'audit.csv')}.` };
  }
  try {
    // 'wx' fails if the file exists, in the same call that creates it: no window between a check and the write.
    await writeFile(file, content, { flag: options.force ? 'w' : 'wx', mode: options.mode ?? 0o644 });
    return { ok: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const folder = path.dirname(file);
    switch (code) {
      case 'EEXIST':
        return { ok: false, usage: true, reason: `${file} exists; it was left as it is: pass --force to overwrite it.` };
      case 'ENOENT':
        return { ok: false, usage: true, reason: `the folder ${folder} does not exist; create it first, or pass --output= a file in an existing folder.` };
      case 'ENOTDIR':
        return { ok: false, usage: true, reason: `${file} cannot be written: part of ${folder} is a file, not a folder; pass --output= a file in an existing folder.` };
      case 'EISDIR':
        return { ok: false, usage: true, reason: `${file} is a folder; pass --output=FILE naming a file.` };
      default:
        return { ok: false, usage: false, reason: `${file} cannot be written (${code ?? (error instanceof Error ? error.message : String(error))}).` };
    }
  }
}
