// `init`: writes a commented .hotfix/config.yaml from what the repository and (with --context or
// --namespace) the cluster show. Never replaces an existing file without --force. Loaded when `init`
// runs (the options: init-commands.ts).

import { initPlan, initWrite } from '../app/init';
import { cliEnv } from './compose';
import { EXIT, type ExitCode } from './exit-codes';
import { reporter } from './output';
import type { Io } from './program';
import { stoppedWith } from './refused';

export interface InitCliOptions {
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly context?: string;
  readonly namespace?: string;
  readonly kubeconfig?: string;
  readonly repo?: string;
  readonly json?: boolean;
}

export async function initVerb(io: Io, options: InitCliOptions): Promise<ExitCode> {
  const out = reporter(io, options.json === true);
  const env = cliEnv(io, out, options);
  const planned = await initPlan(env, { ...(options.context !== undefined ? { context: options.context } : {}), ...(options.namespace !== undefined ? { namespace: options.namespace } : {}) });
  if (planned.kind === 'refused') return stoppedWith(out, planned);
  const { plan } = planned;
  const { file, text, targets, facts, exists } = plan;
  const summary = {
    path: file,
    model: facts.git.model,
    productionBranch: facts.git.productionBranch,
    targets: targets.map((t) => ({ name: t.name, app: t.app, strategy: t.strategy, ...(t.service ? { service: t.service } : {}), ...(t.container ? { container: t.container } : {}) })),
  };
  const targetLines = targets.map((t) => `  ${t.name}: ${t.strategy} (${t.deployments.join(' + ')}${t.service ? `, service ${t.service}` : ''})`);
  if (options.dryRun) {
    if (out.json) return out.result({ ...summary, written: false, exists, text }, []);
    io.out(text);
    return EXIT.ok;
  }
  const written = await initWrite(env, plan, { overwrite: options.force === true });
  if (written.kind === 'refused') return stoppedWith(out, written);
  return out.result({ ...summary, written: true, replaced: written.replaced }, [
    `${written.replaced ? 'replaced' : 'wrote'} ${file} (${facts.git.model}, production branch ${facts.git.productionBranch})`,
    ...(targets.length > 0 ? ['targets:', ...targetLines] : ['no targets: pass --context and --namespace to suggest them from a cluster']),
    'Read the comments, adjust, and commit it.',
  ]);
}
