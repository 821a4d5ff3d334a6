// The CLI's composition root: the one place a verb gets its environment (the repository, the
// kubeconfig, the secrets from the process environment) and its Interaction, answered from flags.
// On a TTY without --json a question the flags left open is asked on the terminal; in CI, piped or
// with --json nothing is asked, and the operation says which flag answers it instead.

import { statSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ParsedConfigCache } from '../adapters/config-cache';
import { readConfigFile } from '../adapters/config-file';
import { createEnv, type AppEnv } from '../app/env';
import { cacheHome } from './code-cache';
import type { AskRequest, ChooseRequest, ConfirmRequest, Interaction } from '../app/interaction';
import type { Reporter } from './output';
import type { Io } from './program';

export interface CommonFlags {
  readonly repo?: string;
  readonly json?: boolean;
  readonly kubeconfig?: string;
  /** --yes: the person confirmed up front (a protected target included, as the README says). */
  readonly yes?: boolean;
}

/** Whether a person sits at this terminal: stdin and stderr are TTYs and the output is not for a program. */
function atTerminal(json: boolean): boolean {
  return !json && process.stdin.isTTY && process.stderr.isTTY && process.env.CI === undefined;
}

async function prompt(question: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } catch {
    return undefined;
  } finally {
    rl.close();
  }
}

/** The Interaction of a CLI run: flags first, the terminal when there is one, else nobody. */
export function cliInteraction(io: Io, out: Reporter, flags: CommonFlags, signal?: AbortSignal): Interaction {
  const interactive = atTerminal(out.json);
  return {
    interactive,
    ...(signal ? { signal } : {}),
    async confirm(request: ConfirmRequest) {
      if (flags.yes === true) return true;
      // An ordinary target needs no --yes in a terminal or CI: the README's deploy runs as typed.
      if (request.typeToConfirm === undefined) return true;
      if (!interactive) return false;
      const where = request.where ? ` in ${request.where}` : '';
      const typed = await prompt(`${request.action}${where}.\nType ${request.typeToConfirm} to confirm: `);
      return typed === request.typeToConfirm;
    },
    async choose<T>(request: ChooseRequest<T>) {
      if (!interactive || request.choices.length === 0) return undefined;
      const lines = request.choices.map((c, i) => `  ${i + 1}) ${c.label}${c.detail ? `  ${c.detail}` : ''}`);
      const answer = await prompt(`${request.title}\n${lines.join('\n')}\nNumber (Enter to cancel): `);
      const n = Number(answer);
      return Number.isInteger(n) && n >= 1 && n <= request.choices.length ? request.choices[n - 1]?.value : undefined;
    },
    async ask(request: AskRequest) {
      if (!interactive) return undefined;
      const answer = await prompt(`${request.title}\n${request.prompt}: `);
      if (answer === undefined || answer === '') return undefined;
      const problem = request.validate?.(answer);
      if (problem !== undefined) {
        out.progress(problem);
        return undefined;
      }
      return answer;
    },
    progress: (message) => out.progress(message),
    // A command's steps and output are the record of what ran: stdout, or stderr beside a --json document.
    step: (message) => (out.json ? io.err(`${message}\n`) : io.out(`${message}\n`)),
    output: (_step, line) => (out.json ? io.err(`  │ ${line}\n`) : io.out(`  │ ${line}\n`)),
    note: (message) => out.line(message),
    warn: (message) => out.line(`warning: ${message}`),
  };
}

/** The environment of one CLI verb: --repo (else the working directory), --kubeconfig, process.env (HOTFIX_HELM: the helm binary). */
export function cliEnv(io: Io, out: Reporter, flags: CommonFlags, signal?: AbortSignal): AppEnv {
  const helmPath = process.env['HOTFIX_HELM']?.trim();
  return createEnv({
    dir: flags.repo ?? process.cwd(),
    interaction: cliInteraction(io, out, flags, signal),
    ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}),
    ...(helmPath ? { helmPath } : {}),
    secrets: process.env,
    readConfig: (root) => readConfigFile(root, parsedConfigCache()),
  });
}

/**
 * The configurations this installation has parsed, in $XDG_CACHE_HOME (else ~/.cache)/hotfix-deployer/config,
 * keyed by the parser's bundle beside this one (dist/config.js); undefined, so every run parses, when that
 * bundle is not there (the tests' compiled sources) or NODE_DISABLE_COMPILE_CACHE asks for no cache.
 */
function parsedConfigCache(): ParsedConfigCache | undefined {
  const home = cacheHome();
  const parser = home === undefined ? undefined : statSync(path.join(__dirname, 'config.js'), { throwIfNoEntry: false });
  return home === undefined || parser === undefined ? undefined : new ParsedConfigCache(path.join(home, 'config'), `${parser.size}-${parser.mtimeMs}`);
}
