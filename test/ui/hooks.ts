// Root hooks for the UI tier (loaded through .mocharc.json "require").
import { killProcessGroupsOnSignal } from '../exthost/harness/processGroups';
import { closeUiSession } from './session';

killProcessGroupsOnSignal();

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await closeUiSession();
  },
};
