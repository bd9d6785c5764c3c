// Root hooks for the UI tier (loaded through .mocharc.json "require").
import { killProcessGroupsOnSignal } from '../exthost/harness/processGroups';
import type { Context } from 'mocha';
import { closeUiSession, recordFailure } from './session';

killProcessGroupsOnSignal();

export const mochaHooks = {
  async afterEach(this: Context): Promise<void> {
    const test = this.currentTest;
    if (test?.state === 'failed') await recordFailure(test.fullTitle());
  },
  async afterAll(): Promise<void> {
    await closeUiSession();
  },
};
