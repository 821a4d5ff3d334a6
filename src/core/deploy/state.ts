// What a deploy or rollback keeps in the state store after every step, so a killed process, a closed
// window or a lost connection resumes (deploy --continue) or is rolled back, never left half-done.

import type { DeployStrategy } from '../config/types';
import type { Colour } from './rollout';

export type DeployStep = 'lock' | 'preflight' | 'update' | 'rollout' | 'smoke' | 'switch' | 'release';

export interface DeployMeta {
  readonly gitSha?: string;
  readonly branch?: string;
  readonly incident?: string;
}

export interface DeployState {
  readonly version: 1;
  readonly id: string;
  readonly target: string;
  readonly strategy: DeployStrategy;
  readonly context: string;
  readonly namespace: string;
  readonly image: string;
  readonly startedAt: string;
  readonly actor: string;
  readonly meta: DeployMeta;
  /** The Deployment this operation writes: the app (rolling) or the idle colour (blue-green). */
  readonly deployment?: string;
  readonly container?: string;
  /** How the target was before, so a failure can put it back. */
  readonly before?: {
    readonly revision?: number;
    readonly images: Readonly<Record<string, string>>;
    readonly availableReplicas: number;
    readonly liveColour?: Colour;
    readonly selector?: Readonly<Record<string, string>>;
    readonly idleReplicas?: number;
  };
  readonly plan: readonly DeployStep[];
  readonly done: readonly DeployStep[];
  readonly stopped?: { readonly step: DeployStep; readonly reason: string; readonly at: string };
  readonly finishedAt?: string;
  readonly outcome?: 'deployed' | 'rolled-back' | 'failed';
  readonly rolledBack?: string;
}

export function deployKey(target: string): string {
  return `deploys/${target}`;
}

export function planFor(strategy: DeployStrategy, smoke: boolean): DeployStep[] {
  const steps: DeployStep[] = ['lock', 'preflight', 'update', 'rollout'];
  if (smoke) steps.push('smoke');
  if (strategy === 'blue-green') steps.push('switch');
  steps.push('release');
  return steps;
}
