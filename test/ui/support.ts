// What several UI test files look for on the page besides the workbench's
// own parts (workbench.ts): notification toasts and the NSO Workbench side
// bar's panes, found by VS Code's DOM classes.
import type { Locator, Page } from '../exthost/harness/browser';

const uiTimeoutMs = 30_000;

/** The first notification toast whose text matches. */
export function toast(page: Page, text: RegExp): Locator {
  return page
    .locator('.notifications-toasts .notification-toast')
    .filter({ hasText: text })
    .first();
}

/** One pane (view) of the side bar, by its title. */
export function pane(page: Page, title: string): Locator {
  return page.locator(`.part.sidebar .pane:has(.pane-header h3.title:text-is("${title}"))`);
}

/** Opens the pane when it is collapsed, and returns it. */
export async function expandPane(page: Page, title: string): Promise<Locator> {
  const p = pane(page, title);
  const header = p.locator('.pane-header').first();
  await header.waitFor({ state: 'visible', timeout: uiTimeoutMs });
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  return p;
}

/** Closes the pane when it is expanded. */
export async function collapsePane(page: Page, title: string): Promise<void> {
  const header = pane(page, title).locator('.pane-header').first();
  await header.waitFor({ state: 'visible', timeout: uiTimeoutMs });
  if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
}
