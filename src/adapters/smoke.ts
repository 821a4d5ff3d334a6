// Runs a target's smoke check: an HTTP GET with a timeout and an expected status, or a command as an
// argument array without a shell, in the repository. Answers pass/fail with the reason.

import { execFile } from 'node:child_process';
import type { SmokeConfig } from '../core/config/types';
import { parseDuration } from '../core/config/targets';
import type { SmokeRunner } from '../core/deploy/context';
import { failed, succeeded, type Result } from '../core/result';

export class SmokeChecks implements SmokeRunner {
  constructor(private readonly cwd: string) {}

  async run(check: SmokeConfig, signal?: AbortSignal): Promise<Result<string>> {
    if (check.http) {
      const { url, expectStatus = 200 } = check.http;
      const timeout = parseDuration(check.http.timeout ?? '10s') ?? 10_000;
      try {
        const response = await fetch(url, { signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeout)]) : AbortSignal.timeout(timeout), redirect: 'manual' });
        await response.body?.cancel();
        return response.status === expectStatus ? succeeded(`GET ${url}: ${response.status}`) : failed(`GET ${url} answered ${response.status}, expected ${expectStatus}`);
      } catch (error) {
        return failed(`GET ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (check.command && check.command.length > 0) {
      const [file = '', ...args] = check.command;
      return new Promise((resolve) => {
        execFile(file, args, { cwd: this.cwd, timeout: 120_000, signal, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
          const output = `${stdout}${stderr}`.trim().split('\n').slice(-5).join('\n');
          resolve(error ? failed(`${check.command?.join(' ') ?? ''} failed (${error.code ?? error.message}): ${output}`) : succeeded(output || 'passed'));
        });
      });
    }
    return succeeded('no check configured');
  }
}
