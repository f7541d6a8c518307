import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../src/logger';
import { launchBrowser, sendCommand } from '../../src/sandbox/browser';
import { type Sandbox, startSandbox } from '../../src/sandbox/start';

const CONTACT_ID = 'ic_7Qm2xK9a';

describe('the sandbox page in a real browser', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ PORT: '0' }, createLogger('silent'));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.shutdown();
  });
  beforeEach(async () => {
    // Each scenario starts with no modal open, as after pressing Close in Slack.
    for (const view of sandbox.slack.openViews()) sandbox.slack.closeView(view.id, { all: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(sandbox.url);
  });
  afterEach(async () => {
    await page.close();
    expect(pageErrors).toEqual([]);
  });

  async function openForm(id = CONTACT_ID) {
    await sendCommand(page, `/contact update ${id}`);
    await page.locator('.modal input[name="phone"]').waitFor();
  }

  test('update a contact: form, Save, confirmation in the channel, stored change in the side panel', async () => {
    await openForm();
    await page.fill('.modal input[name="phone"]', '(415) 555-0100');
    await page.fill('.modal input[name="job_title"]', 'VP, Customer Success');
    await page.click('.modal-submit');

    const confirmation = page.locator('.message[data-kind="channel"]').last();
    await confirmation.waitFor();
    await expect(confirmation.textContent()).resolves.toContain('+1 415 555 0123 → +1 415 555 0100');
    await expect(confirmation.textContent()).resolves.toContain('VP, Customer Success');

    const row = page.locator(`#contacts tr[data-contact-id="${CONTACT_ID}"]`);
    await row.locator('td[data-field="phone"]', { hasText: '+14155550100' }).waitFor();
    await expect(row.locator('td[data-field="job_title"]').textContent()).resolves.toBe(
      'VP, Customer Success',
    );
  });

  test('an invalid phone shows the inline error under the phone field', async () => {
    await openForm();
    await page.fill('.modal input[name="phone"]', '555-01');
    await page.click('.modal-submit');
    const error = page.locator('.modal .block-input[data-block-id="phone"] .input-error');
    await error.waitFor({ state: 'visible' });
    await expect(error.textContent()).resolves.toMatch(/valid number|phone/i);
    // Typed text is kept, and no other input shows an error.
    await expect(page.inputValue('.modal input[name="phone"]')).resolves.toBe('555-01');
    await expect(page.locator('.modal .input-error:visible').count()).resolves.toBe(1);
    await page.click('.modal-close');
  });

  test('a 503 from the side panel’s switch is survived', async () => {
    const before = sandbox.stuut.patchCount();
    await page.click('.fault-switch[data-fault="503"]');
    await page.locator('#pending-faults .fault-chip').waitFor();
    await openForm('ic_3Lp8vR2d');
    await page.fill('.modal input[name="job_title"]', 'Renewals lead');
    await page.click('.modal-submit');
    const confirmation = page.locator('.message[data-kind="channel"]', {
      hasText: 'Renewals lead',
    });
    await confirmation.waitFor();
    expect(sandbox.stuut.patchCount() - before).toBe(2);
  });

  test('the Edit button reopens the form prefilled with the values shown', async () => {
    await openForm('ic_9Tz4nW6e');
    await page.fill('.modal input[name="given_name"]', 'Hanna');
    await page.click('.modal-submit');
    const confirmation = page.locator('.message[data-kind="channel"]', { hasText: 'Hanna' }).last();
    await confirmation.waitFor();
    await page.click('.modal-close');
    await page.locator('.modal').waitFor({ state: 'detached' });

    await confirmation.locator('button[data-action-id="contact_edit"]').click();
    await page.locator('.modal').waitFor();
    const stored = sandbox.stuut.contact('ic_9Tz4nW6e');
    await expect(page.inputValue('.modal input[name="given_name"]')).resolves.toBe('Hanna');
    await expect(page.inputValue('.modal input[name="email"]')).resolves.toBe(stored?.email);
    await expect(page.locator('.modal .block-input[data-block-id="clear"]').count()).resolves.toBe(
      0,
    );
    await page.click('.modal-close');
  });

  test('command text reaches the bot as Slack sends it: &, < and > survive into the form', async () => {
    await sendCommand(page, '/contact update ic_5Hb1cY8f job_title="R&D <lead> & more"');
    await page.locator('.modal input[name="job_title"]').waitFor();
    await expect(page.inputValue('.modal input[name="job_title"]')).resolves.toBe(
      'R&D <lead> & more',
    );
    await page.click('.modal-close');
  });

  test('a message without a text fallback shows as a warning on the page', async () => {
    await fetch(`${sandbox.slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${sandbox.slack.botToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ channel: 'C0OPS', blocks: [{ type: 'divider' }] }),
    });
    await page.locator('#warnings li', { hasText: /fallback/i }).waitFor();
  });

  test('escapes everything it renders: a contact named like HTML shows as text', async () => {
    const contact = sandbox.stuut.contact('ic_2Ks6jP4g');
    if (!contact) throw new Error('seed changed');
    sandbox.stuut.put({ ...contact, name: '<img src=x onerror=alert(1)>' });
    await page.reload();
    const cell = page.locator('#contacts tr[data-contact-id="ic_2Ks6jP4g"] td[data-field="names"]');
    await expect(cell.textContent()).resolves.toContain('<img src=x onerror=alert(1)>');
    await expect(page.locator('#contacts img').count()).resolves.toBe(0);

    await openForm('ic_2Ks6jP4g');
    await page.fill('.modal input[name="job_title"]', '<script>alert(2)</script> <!channel>');
    await page.click('.modal-submit');
    const confirmation = page
      .locator('.message[data-kind="channel"]', { hasText: '<script>' })
      .last();
    await confirmation.waitFor();
    await expect(confirmation.textContent()).resolves.toContain('<img src=x onerror=alert(1)>');
    await expect(page.locator('.message img, .message script').count()).resolves.toBe(0);
    expect(dialogs).toEqual([]);
  });
});
