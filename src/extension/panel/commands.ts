// Opening the panel: "Open Incident Timeline" (palette, the status bar item, an incident in the
// tree) and "Show Canary Progress" (palette, a canary target in the Deployments view). Both take an
// options object `{ root?, incident? | id?, target? }` or a tree node.

import { argsOf } from '../incident/prompts';
import type { Repositories } from '../repositories';
import { pickRepository } from '../ui';
import type { PanelHost } from './panel';

export interface PanelCommandDeps {
  readonly repositories: Repositories;
  readonly panel: PanelHost;
}

interface PanelArgs {
  readonly root?: string;
  readonly incident?: string | { readonly id?: string };
  readonly target?: string | { readonly name?: string };
}

export async function openPanelCommand(deps: PanelCommandDeps, tab: 'timeline' | 'canary', arg?: unknown): Promise<{ ok: boolean; reason?: string }> {
  const root = await pickRepository(deps.repositories, arg);
  if (root === undefined) return { ok: false, reason: 'cancelled' };
  const a = argsOf<PanelArgs>(arg);
  const target = typeof a.target === 'string' ? a.target : a.target?.name;
  const incident = typeof a.incident === 'string' ? a.incident : a.id;
  await deps.panel.show({ root, tab, ...(incident !== undefined ? { incident } : {}), ...(target !== undefined ? { target } : {}) });
  return { ok: true };
}
