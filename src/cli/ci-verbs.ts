// The generate verbs' work: read .hotfix/config.yaml, make the file in the engine
// (src/core/pipeline), and write it without overwriting unless asked, or print it.

import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { PROVIDERS, type Provider } from '../core/pipeline/plan';
import { cliEnv } from './compose';
import { EXIT, type ExitCode } from './exit-codes';
import { reporter, type Reporter } from './output';
import type { Io } from './program';
import { stoppedWith } from './refused';

interface GenerateOptions {
  readonly output?: string;
  readonly force?: boolean;
  readonly repo?: string;
  readonly json?: boolean;
}

export interface CiOptions extends GenerateOptions {
  readonly provider: string;
  readonly staging?: string;
  readonly production?: string;
  readonly suite?: string;
}

export type AlertsOptions = GenerateOptions;

/** Writes (or prints, for `-`) and reports; an existing file is kept unless --force. */
async function emit(io: Io, out: Reporter, options: GenerateOptions, file: string, content: string, summary: object, what: string): Promise<ExitCode> {
  if (options.output === '-') {
    if (out.json) return out.result({ ...summary, file: null, content }, []);
    io.out(content);
    return EXIT.ok;
  }
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content, { flag: options.force === true ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return out.failure(`${file} exists; it was left as it is.`, 'Pass --force to overwrite it, or --output=FILE (- prints it).', EXIT.usage);
    return out.failure(`${file} cannot be written (${code ?? String(error)}).`, undefined, EXIT.failed);
  }
  return out.result({ ...summary, file }, [`Wrote ${what} to ${file}.`]);
}

export async function ciGenerateVerb(io: Io, options: CiOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  if (!PROVIDERS.includes(options.provider as Provider)) {
    return out.failure(`--provider=${options.provider} is not a pipeline provider.`, `Pass one of: ${PROVIDERS.join(', ')}.`, EXIT.usage);
  }
  const provider = options.provider as Provider;
  const { ciPipeline } = await import('../app/ci.js');
  const made = await ciPipeline(cliEnv(io, out, options), {
    provider,
    ...(options.staging !== undefined ? { staging: options.staging } : {}),
    ...(options.production !== undefined ? { production: options.production } : {}),
    ...(options.suite !== undefined ? { suite: options.suite } : {}),
  });
  if (made.kind === 'refused') return stoppedWith(out, made);
  const file = options.output !== undefined ? path.resolve(options.output) : made.file;
  const { staging, production, suite } = made.summary;
  return emit(io, out, options, file, made.content, made.summary, `the ${provider} pipeline (validate ${suite}, ${staging}, then ${production})`);
}

export async function alertsGenerateVerb(io: Io, options: AlertsOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const { alertsRules } = await import('../app/ci.js');
  const made = await alertsRules(cliEnv(io, out, options));
  if (made.kind === 'refused') return stoppedWith(out, made);
  const file = options.output !== undefined ? path.resolve(options.output) : made.file;
  const { rules, targets } = made.summary;
  return emit(io, out, options, file, made.content, made.summary, `${rules} alerting rules for ${targets.join(', ')}`);
}
