// HelmReleases through the team's own helm binary: execFile with argument arrays (never a shell), the
// kubeconfig files the tool loaded as KUBECONFIG, the kube context and namespace on every call, `-o json`
// wherever Helm has it. It decides nothing: Helm's errors come back as a HelmRefusal in Helm's words.

import { execFile, type ExecFileException } from 'node:child_process';
import * as path from 'node:path';
import {
  HELM_MIN_VERSION,
  HelmRefusal,
  helmMissing,
  type HelmReleases,
  type HelmRevision,
  type HelmRollbackOptions,
  type HelmUpgraded,
  type HelmUpgradeOptions,
} from '../../core/deploy/helm-ports';
import { semver } from '../../core/semver';

export interface HelmCliOptions {
  /** The helm binary: the hotfixDeployer.helmPath setting or HOTFIX_HELM; undefined: `helm` on PATH. */
  readonly binary?: string;
  /** The kubeconfig files the tool loaded, merged by helm as kubectl would ($KUBECONFIG). */
  readonly kubeconfigFiles: readonly string[];
  readonly context: string;
  /** Where a relative chart path is found: the repository root. */
  readonly cwd: string;
  /** The environment helm inherits (HOME, helm's cache and config, proxies); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** A rendered manifest or a long history fits; helm's output is never unbounded by more than this. */
const MAX_BUFFER = 64 * 1024 * 1024;
/** A read that takes longer than this has lost its cluster. */
const READ_TIMEOUT_MS = 120_000;

const seconds = (ms: number) => `${Math.max(1, Math.ceil(ms / 1000))}s`;

export class HelmCli implements HelmReleases {
  private checked: Promise<string> | undefined;

  constructor(private readonly options: HelmCliOptions) {}

  version(): Promise<string> {
    // Once per process: the binary does not change under us, and each run costs a spawn.
    this.checked ??= this.run(['version', '--template', '{{ .Version }}'], { kube: false }).then((out) => {
      const text = out.trim().replace(/^v/, '');
      const parsed = semver().coerce(text);
      if (!parsed || !semver().gte(parsed, HELM_MIN_VERSION)) {
        throw new HelmRefusal(`helm ${text || '(unknown version)'} at ${this.options.binary ?? 'helm on PATH'} is too old: install Helm 3.14 or later (upgrades need --reset-then-reuse-values)`, 'too-old');
      }
      return text;
    });
    return this.checked;
  }

  async history(namespace: string, release: string): Promise<HelmRevision[] | undefined> {
    try {
      // The latest 20 are enough to roll back and to show; a long-lived release has hundreds.
      const out = await this.run(['history', release, '--max', '20', '-o', 'json', '--namespace', namespace]);
      return parseHelmHistory(out);
    } catch (error) {
      if (error instanceof HelmRefusal && error.code === 'not-found') return undefined;
      throw error;
    }
  }

  async values(namespace: string, release: string, revision?: number): Promise<Record<string, unknown>> {
    const out = await this.run(['get', 'values', release, '-o', 'json', '--namespace', namespace, ...(revision !== undefined ? ['--revision', String(revision)] : [])]);
    const parsed = JSON.parse(out.trim() || 'null') as unknown;
    // A release installed with no values of its own prints null.
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  }

  async upgrade(namespace: string, release: string, chart: string, options: HelmUpgradeOptions): Promise<HelmUpgraded> {
    const args = ['upgrade', release, chart, '--namespace', namespace, '--reset-then-reuse-values', '--timeout', seconds(options.timeoutMs), '-o', 'json'];
    for (const [key, value] of Object.entries(options.set)) args.push('--set-string', `${escapeSetKey(key)}=${escapeSetValue(value)}`);
    if (options.version !== undefined) args.push('--version', options.version);
    if (options.dryRun) args.push('--dry-run=server');
    if (options.wait) args.push('--wait');
    if (options.description !== undefined) args.push('--description', options.description);
    const out = await this.run(args, { timeoutMs: options.timeoutMs + READ_TIMEOUT_MS, ...(options.signal ? { signal: options.signal } : {}) });
    const parsed = JSON.parse(out) as { version?: unknown; info?: { status?: unknown }; manifest?: unknown };
    return {
      revision: typeof parsed.version === 'number' ? parsed.version : 0,
      status: typeof parsed.info?.status === 'string' ? parsed.info.status : '',
      manifest: typeof parsed.manifest === 'string' ? parsed.manifest : '',
    };
  }

  async rollback(namespace: string, release: string, revision: number, options: HelmRollbackOptions): Promise<void> {
    const args = ['rollback', release, String(revision), '--namespace', namespace, '--timeout', seconds(options.timeoutMs), ...(options.wait ? ['--wait'] : [])];
    await this.run(args, { timeoutMs: options.timeoutMs + READ_TIMEOUT_MS, ...(options.signal ? { signal: options.signal } : {}) });
  }

  private async run(args: readonly string[], how: { kube?: boolean; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<string> {
    if (how.kube !== false) await this.version();
    const { binary, kubeconfigFiles, context, cwd } = this.options;
    const full = how.kube === false ? [...args] : [...args, '--kube-context', context];
    const env = { ...(this.options.env ?? process.env), KUBECONFIG: kubeconfigFiles.join(path.delimiter) };
    return new Promise<string>((resolve, reject) => {
      execFile(
        binary ?? 'helm',
        full,
        { cwd, env, maxBuffer: MAX_BUFFER, timeout: how.timeoutMs ?? READ_TIMEOUT_MS, windowsHide: true, ...(how.signal ? { signal: how.signal } : {}) },
        (error: ExecFileException | null, stdout: string, stderr: string) => {
          if (!error) return resolve(stdout);
          // Cancelled: the engine's stop, not Helm's failure.
          if (error.name === 'AbortError') return reject(Object.assign(new Error(error.message), { name: 'AbortError' }));
          if (error.code === 'ENOENT' || error.code === 'EACCES') return reject(new HelmRefusal(helmMissing(binary), 'missing'));
          if (error.killed) return reject(new Error(`helm ${args[0] ?? ''} did not answer within ${seconds(how.timeoutMs ?? READ_TIMEOUT_MS)}`));
          const words = helmError(stderr) || `helm ${args[0] ?? ''} exited with ${String(error.code)}`;
          reject(new HelmRefusal(words, /release: not found|has no deployed releases/i.test(words) ? 'not-found' : 'failed'));
        },
      );
    });
  }
}

/**
 * Helm's own reason, one line: the first `Error:` line of its error output (warnings come first), else
 * the first line; trimmed and bounded. Nothing of the environment is echoed.
 */
export function helmError(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const line = lines.find((l) => /^Error:/i.test(l)) ?? lines[0] ?? '';
  const words = line.replace(/^Error:\s*/i, '');
  return words.length > 300 ? `${words.slice(0, 300)}…` : words;
}

/** Parses `helm history -o json` (oldest first): snake_case app_version, Go timestamps made ISO. */
export function parseHelmHistory(json: string): HelmRevision[] {
  const parsed = JSON.parse(json.trim() || '[]') as unknown;
  if (!Array.isArray(parsed)) return [];
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return parsed
    .filter((r): r is Record<string, unknown> => r !== null && typeof r === 'object' && typeof (r as Record<string, unknown>)['revision'] === 'number')
    .map((r) => {
      const time = new Date(str(r['updated']));
      return {
        revision: r['revision'] as number,
        updated: Number.isNaN(time.getTime()) ? str(r['updated']) : time.toISOString(),
        status: str(r['status']),
        chart: str(r['chart']),
        appVersion: str(r['app_version']),
        description: str(r['description']),
      };
    })
    .sort((a, b) => a.revision - b.revision);
}

// --set syntax: in a key a '.' nests and is escaped as '\.'; in a value ',' separates pairs. Keys from
// the config are dotted paths as meant; a value (an image) must be taken literally.
const escapeSetKey = (key: string) => key.replace(/([,=[\]])/g, '\\$1');
const escapeSetValue = (value: string) => value.replace(/([\\,])/g, '\\$1');
