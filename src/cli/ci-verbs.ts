// The generate verbs' work: read .hotfix/config.yaml, make the file in the engine
// (src/core/pipeline), and write it without overwriting unless asked, or print it.

import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { readConfigFile } from '../adapters/config-file';
import { locateRepository } from '../adapters/git/discovery';
import type { HotfixConfigFile } from '../core/config/types';
import { alertRules, alertRulesYaml } from '../core/pipeline/alerts';
import { githubWorkflow } from '../core/pipeline/github';
import { gitlabPipeline } from '../core/pipeline/gitlab';
import { PIPELINE_FILE, PROVIDERS, planPipeline, type Provider } from '../core/pipeline/plan';
import { EXIT, type ExitCode } from './exit-codes';
import { reporter, type Reporter } from './output';
import type { Io } from './program';

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

const ALERTS_FILE = '.hotfix/alerts.rules.yml';

async function config(out: Reporter, repo: string | undefined): Promise<{ root: string; config: HotfixConfigFile } | ExitCode> {
  const dir = repo ?? process.cwd();
  const location = await locateRepository(dir);
  if (!location) return out.failure(`${dir} is not inside a git repository.`, 'Run it from the repository of the service, or pass --repo=PATH.', EXIT.usage);
  const read = await readConfigFile(location.root);
  if (!read.ok) return out.failure(read.reason, read.hint, EXIT.usage);
  return { root: location.root, config: read.value };
}

/** Writes (or prints, for `-`) and reports; an existing file is kept unless --force. */
async function emit(io: Io, out: Reporter, options: GenerateOptions, file: string, content: string, summary: Record<string, unknown>, what: string): Promise<ExitCode> {
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
  const opened = await config(out, options.repo);
  if (typeof opened === 'number') return opened;
  const plan = planPipeline(opened.config, {
    ...(options.staging !== undefined ? { staging: options.staging } : {}),
    ...(options.production !== undefined ? { production: options.production } : {}),
    ...(options.suite !== undefined ? { suite: options.suite } : {}),
  });
  if (!plan.ok) return out.failure(plan.reason, plan.hint, EXIT.usage);
  const content = provider === 'gitlab' ? gitlabPipeline(plan.value) : githubWorkflow(plan.value);
  const file = options.output !== undefined ? path.resolve(options.output) : path.join(opened.root, ...PIPELINE_FILE[provider].split('/'));
  const { staging, production, suite } = plan.value;
  return emit(io, out, options, file, content, { provider, staging, production, suite }, `the ${provider} pipeline (validate ${suite}, ${staging}, then ${production})`);
}

export async function alertsGenerateVerb(io: Io, options: AlertsOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const opened = await config(out, options.repo);
  if (typeof opened === 'number') return opened;
  const rules = alertRules(opened.config);
  if (!rules.ok) return out.failure(rules.reason, rules.hint, EXIT.usage);
  const file = options.output !== undefined ? path.resolve(options.output) : path.join(opened.root, ...ALERTS_FILE.split('/'));
  const count = rules.value.groups.reduce((sum, g) => sum + g.rules.length, 0);
  const targets = rules.value.groups.map((g) => g.name.replace(/^hotfix-deployer-/, ''));
  return emit(io, out, options, file, alertRulesYaml(rules.value), { rules: count, targets }, `${count} alerting rules for ${targets.join(', ')}`);
}
