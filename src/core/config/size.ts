// The size cap of .hotfix/config.yaml, shared by the file adapter (checked before the file is read) and the
// parser (for text handed in directly). Apart from parse.ts so the adapter learns it without loading yaml and ajv.

import { failed, type Failed } from '../result';

/** A team configuration is a few kilobytes; past this, reading and checking it would take seconds. */
export const CONFIG_MAX_BYTES = 1024 * 1024;

const MIB = 1024 * 1024;

/** The UTF-8 length of `text`, as the file holds it, without allocating its encoding. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4; // a surrogate pair is one code point
      i++;
    } else bytes += 3; // a lone surrogate is written as U+FFFD
  }
  return bytes;
}

/** The refusal: `bytes` undefined when the end was never reached (a device, a file still growing). */
export function configTooLarge(file: string, bytes: number | undefined): Failed {
  const size = bytes === undefined ? 'more than 1 MiB' : `${(bytes / MIB).toFixed(1)} MiB (${bytes.toLocaleString('en')} bytes)`;
  return failed(
    `${file} is ${size}; the limit is 1 MiB: a team configuration holds settings, and checking a file this large would take too long.`,
    `Keep ${file} under 1 MiB: remove what was generated or pasted into it by mistake.`,
  );
}
