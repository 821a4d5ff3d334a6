// Which notification channels a repository turns on (`notifications:` in .hotfix/config.yaml): a
// secret alone sends nothing, so the front ends say when a channel with a secret is not on.

import { enabledChannels } from './notify-sinks';
import type { NotifyChannel } from '../core/notify/policy';
import { teamConfiguration } from './repository';

/** The channels the configuration of the repository at `root` turns on; none when it cannot be read. */
export async function channelsOn(root: string): Promise<NotifyChannel[]> {
  const config = await teamConfiguration(root);
  return config.ok ? enabledChannels(config.value.notifications) : [];
}
