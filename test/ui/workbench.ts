// A page object over the VS Code workbench as a user sees it in the browser:
// command palette, activity bar, side bar trees, panel, status bar, Problems.
// Selectors are VS Code's own DOM classes and ARIA labels, kept here so a
// change in a VS Code release is fixed in one place.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from '../exthost/harness/browser';

export interface StatusBarItem {
  id: string;
  /** The accessible label: what a screen reader says, also for icon-only items. */
  label: string;
  text: string;
}

const uiTimeoutMs = 30_000;
const startupTimeoutMs = 90_000;
// How long one look at the palette waits for a command before it looks again:
// the palette lists the commands known when it opened, and an extension's
// contributions can arrive after the first look on a busy machine.
const paletteLookMs = 5_000;

/** VS Code renders spaces in editors as no-break spaces. */
const plain = (text: string): string => text.replace(/\u00a0/g, ' ');

export class Workbench {
  constructor(
    readonly page: Page,
    private readonly screenshotDir: string,
  ) {}

  /** Waits for the workbench to be laid out with a folder open in the Explorer. */
  async waitUntilReady(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: startupTimeoutMs });
    await this.page.locator('.part.activitybar').waitFor({ timeout: startupTimeoutMs });
    await this.page.locator('.part.statusbar').waitFor({ timeout: startupTimeoutMs });
    await this.page
      .locator('.part.sidebar .explorer-folders-view .monaco-list-row')
      .first()
      .waitFor({ timeout: startupTimeoutMs });
  }

  /** Opens the command palette (F1) and returns its input box. */
  async openCommandPalette(): Promise<Locator> {
    await this.page.keyboard.press('F1');
    const widget = this.page.locator('.quick-input-widget');
    await widget.waitFor({ state: 'visible', timeout: uiTimeoutMs });
    return widget.locator('.quick-input-box input');
  }

  /** Runs a command the way a user does: palette, type its title, pick it. */
  async runCommand(title: string): Promise<void> {
    const row = this.page
      .locator(
        `.quick-input-widget .quick-input-list .monaco-list-row[aria-label=${JSON.stringify(title)}]`,
      )
      .first();
    const deadline = Date.now() + uiTimeoutMs;
    for (;;) {
      const input = await this.openCommandPalette();
      await input.fill(`>${title}`);
      try {
        await row.waitFor({ state: 'visible', timeout: paletteLookMs });
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await this.page.keyboard.press('Escape');
      }
    }
    await row.click();
    await this.page
      .locator('.quick-input-widget')
      .waitFor({ state: 'hidden', timeout: uiTimeoutMs });
  }

  /** Opens a file by its workspace-relative path through Quick Open (Ctrl+P). */
  async openFile(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await input.fill(relativePath);
    const fileName = path.basename(relativePath);
    const row = this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ hasText: fileName });
    await row.first().waitFor({ state: 'visible', timeout: uiTimeoutMs });
    await input.press('Enter');
    await this.page
      .locator(`.tabs-container .tab[data-resource-name=${JSON.stringify(fileName)}]`)
      .first()
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
  }

  /** Clicks a view container's icon in the activity bar and waits for its side bar. */
  async openViewContainer(title: string): Promise<void> {
    await this.page
      .locator(`.part.activitybar .action-label[aria-label=${JSON.stringify(title)}]`)
      .click({ timeout: uiTimeoutMs });
    await this.page
      .locator('.part.sidebar .composite.title')
      .filter({ hasText: title })
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
  }

  /** Waits until the activity bar shows a view container with this title. */
  async waitForActivityBarItem(title: string): Promise<void> {
    await this.page
      .locator(`.part.activitybar .action-label[aria-label=${JSON.stringify(title)}]`)
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
  }

  /** Titles of the view containers in the activity bar. */
  async activityBarTitles(): Promise<string[]> {
    const items = this.page.locator('.part.activitybar .action-item .action-label');
    const titles: string[] = [];
    for (let i = 0; i < (await items.count()); i++) {
      const label = await items.nth(i).getAttribute('aria-label');
      if (label) titles.push(label);
    }
    return titles;
  }

  async sideBarTitle(): Promise<string> {
    return plain(await this.page.locator('.part.sidebar .composite.title').innerText());
  }

  /** Accessible labels of the tree rows shown in the side bar (all visible views). */
  async sideBarTreeItems(): Promise<string[]> {
    const rows = this.page.locator('.part.sidebar .monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: uiTimeoutMs });
    const labels: string[] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      labels.push(plain((await rows.nth(i).getAttribute('aria-label')) ?? ''));
    }
    return labels;
  }

  /** The rows of one view of the side bar, by the view's name (e.g. "Packages"). */
  async viewTreeItems(viewName: string): Promise<string[]> {
    const title = this.page
      .locator('.pane-header .title')
      .filter({ hasText: new RegExp(`^${viewName}$`, 'i') });
    const pane = this.page.locator('.part.sidebar .pane').filter({ has: title });
    const rows = pane.locator('.monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: uiTimeoutMs });
    const labels: string[] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      labels.push(plain((await rows.nth(i).getAttribute('aria-label')) ?? ''));
    }
    return labels;
  }

  async statusBarItems(): Promise<StatusBarItem[]> {
    const items = this.page.locator('.part.statusbar .statusbar-item');
    const result: StatusBarItem[] = [];
    for (let i = 0; i < (await items.count()); i++) {
      const item = items.nth(i);
      result.push({
        id: (await item.getAttribute('id')) ?? '',
        label: plain((await item.getAttribute('aria-label')) ?? ''),
        text: plain(await item.innerText()).trim(),
      });
    }
    return result;
  }

  /** Waits until the panel's output editor shows `text`, and returns all it shows. */
  async waitForOutput(text: string): Promise<string> {
    const editor = this.page.locator('.part.panel .monaco-editor .view-lines');
    await editor.filter({ hasText: text }).waitFor({ state: 'visible', timeout: uiTimeoutMs });
    return plain(await editor.first().innerText());
  }

  /** The output channel the Output panel shows. */
  async selectedOutputChannel(): Promise<string> {
    return this.page.locator('.part.panel select.monaco-select-box').first().inputValue();
  }

  /**
   * Opens the Problems panel (Ctrl+Shift+M) and returns the accessible label of
   * every row: one per file, then one per problem.
   */
  async problems(): Promise<string[]> {
    await this.page.keyboard.press('Control+Shift+M');
    const panel = this.page.locator('.part.panel .markers-panel');
    await panel.waitFor({ state: 'visible', timeout: uiTimeoutMs });
    const rows = panel.locator('.monaco-list-row');
    const labels: string[] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      labels.push(plain((await rows.nth(i).getAttribute('aria-label')) ?? ''));
    }
    return labels;
  }

  /** Waits until a Problems row's label contains `text`, then returns all rows. */
  async waitForProblem(text: string): Promise<string[]> {
    await this.page.keyboard.press('Control+Shift+M');
    await this.page
      .locator('.part.panel .markers-panel .monaco-list-row')
      .filter({ hasText: text })
      .first()
      .waitFor({ state: 'visible', timeout: uiTimeoutMs });
    return this.problems();
  }

  /** Saves a screenshot to test-results/ui/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(this.screenshotDir, { recursive: true });
    const file = path.join(this.screenshotDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
