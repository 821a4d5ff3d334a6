// `kubectl config use-context` for the kubeconfig file the person uses: only the current-context
// line changes; comments, order and everything else in the file stay as they were.

import { readFile, rename, writeFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { failed, succeeded, type Result } from '../../core/result';

export interface KubeContexts {
  readonly file: string;
  readonly current?: string;
  readonly contexts: readonly { readonly name: string; readonly cluster?: string; readonly namespace?: string }[];
}

export async function readContexts(file: string): Promise<Result<KubeContexts>> {
  try {
    const doc = parseDocument(await readFile(file, 'utf8'));
    const data = (doc.toJS() ?? {}) as { 'current-context'?: string; contexts?: { name: string; context?: { cluster?: string; namespace?: string } }[] };
    return succeeded({
      file,
      ...(data['current-context'] ? { current: data['current-context'] } : {}),
      contexts: (data.contexts ?? []).map((c) => ({
        name: c.name,
        ...(c.context?.cluster ? { cluster: c.context.cluster } : {}),
        ...(c.context?.namespace ? { namespace: c.context.namespace } : {}),
      })),
    });
  } catch (error) {
    return failed(`Cannot read the kubeconfig ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function useContext(file: string, name: string): Promise<Result<string>> {
  const text = await readFile(file, 'utf8');
  const doc = parseDocument(text);
  const contexts = ((doc.toJS() ?? {}) as { contexts?: { name: string }[] }).contexts ?? [];
  if (!contexts.some((c) => c.name === name)) {
    return failed(`The context "${name}" is not in ${file}.`, `Contexts there: ${contexts.map((c) => c.name).join(', ') || 'none'}.`);
  }
  doc.set('current-context', name);
  const temporary = `${file}.hotfix-deployer.tmp`;
  await writeFile(temporary, doc.toString(), { mode: 0o600 });
  await rename(temporary, file);
  return succeeded(name);
}
