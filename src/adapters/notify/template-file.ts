// Reads a team's message template (`.hotfix/templates/<kind>.md`) only as a regular file inside the
// repository: a committed symlink to /proc/self/environ or ~/.ssh would otherwise send what it points
// at (the environment, webhook URLs included) to every channel.

import { constants as fs } from 'node:fs';
import { lstat, open, realpath } from 'node:fs/promises';
import * as path from 'node:path';

/** Templates are a few lines of Markdown; anything larger is not one. */
export const TEMPLATE_MAX_BYTES = 64 * 1024;

export type TemplateFile =
  /** `text` undefined: there is no such template, so the default text is used. */
  | { readonly ok: true; readonly text?: string }
  /** Why the template cannot be used; nothing is sent with it, nor instead of it. */
  | { readonly ok: false; readonly reason: string };

const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;
const missing = (error: unknown): boolean => code(error) === 'ENOENT' || code(error) === 'ENOTDIR';

function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** The template of `kind` in the repository at `root`, refused unless a regular file of at most 64 KiB inside it. */
export async function readTemplateFile(root: string, kind: string): Promise<TemplateFile> {
  const shown = `.hotfix/templates/${kind}.md`;
  const file = path.join(root, '.hotfix', 'templates', `${kind}.md`);
  const refuse = (why: string): TemplateFile => ({ ok: false, reason: `${shown} ${why}` });
  try {
    const realRoot = await realpath(root);
    let realDir: string;
    try {
      realDir = await realpath(path.dirname(file));
    } catch (error) {
      if (missing(error)) return { ok: true };
      throw error;
    }
    if (!inside(realRoot, realDir)) return refuse('is in a folder outside the repository (.hotfix or .hotfix/templates is a symlink): make them regular folders');
    let info;
    try {
      info = await lstat(file);
    } catch (error) {
      if (missing(error)) return { ok: true };
      throw error;
    }
    if (info.isSymbolicLink()) {
      const target = await realpath(file).catch(() => undefined);
      return refuse(`is a symlink${target !== undefined && inside(realRoot, target) ? '' : ' to outside the repository'}: replace it with a regular file`);
    }
    if (!info.isFile()) return refuse('is not a regular file: replace it with one');
    if (info.size > TEMPLATE_MAX_BYTES) return refuse(`is larger than 64 KiB (${Math.ceil(info.size / 1024)} KiB): a template is a few lines of Markdown`);
    // No following a symlink swapped in since the lstat, and no blocking on a FIFO.
    const handle = await open(file, fs.O_RDONLY | (fs.O_NOFOLLOW ?? 0) | (fs.O_NONBLOCK ?? 0));
    try {
      const opened = await handle.stat();
      if (!opened.isFile() || opened.ino !== info.ino || opened.dev !== info.dev) return refuse('changed while it was read: try again');
      const buffer = Buffer.alloc(TEMPLATE_MAX_BYTES + 1);
      let length = 0;
      while (length < buffer.length) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > TEMPLATE_MAX_BYTES) return refuse('is larger than 64 KiB: a template is a few lines of Markdown');
      return { ok: true, text: buffer.subarray(0, length).toString('utf8') };
    } finally {
      await handle.close();
    }
  } catch (error) {
    return refuse(`cannot be read (${code(error) ?? (error instanceof Error ? error.message : String(error))})`);
  }
}
