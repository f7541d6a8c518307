import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium; Playwright's own browser downloads are not used. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Headless, and kept off the network: without these Chromium reaches out at start.
const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true });
}

/** Types a slash command into the page's message box, as a person would. */
export async function sendCommand(page: Page, text: string): Promise<void> {
  await page.fill('#message-input', text);
  await page.click('#send');
}
