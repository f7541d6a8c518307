import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../src/logger';
import { launchBrowser, sendCommand } from '../../src/sandbox/browser';
import { type Sandbox, startSandbox } from '../../src/sandbox/start';

/** Priya Raman: only the book tests below change her, and only her job title. */
const PRIYA = 'ic_7Qm2xK9a';
/** Marcus Oyelaran: the plain update and the 503 change him. */
const CONTACT_ID = 'ic_3Lp8vR2d';
/** Tom Achterberg: the undo changes his phone and back; the escaping test renames him later. */
const TOM = 'ic_2Ks6jP4g';

describe('the sandbox page in a real browser', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ PORT: '0' }, createLogger('silent'));
    browser = await launchBrowser();
    // One page for all scenarios, as a person keeps the tab open: it follows the server's
    // changes by itself (and a fresh page per test would cost a second or more each).
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(sandbox.url);
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.shutdown();
  });
  beforeEach(async () => {
    // Each scenario starts with no modal open, as after pressing Close in Slack.
    for (const view of sandbox.slack.openViews()) sandbox.slack.closeView(view.id, { all: true });
    await page.locator('.modal').waitFor({ state: 'detached' });
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  async function openForm(id = CONTACT_ID) {
    await sendCommand(page, `/contact update ${id}`);
    await page.locator('.modal input[name="phone"]').waitFor();
  }

  /** A form's input by field, whatever generation of block ids the form is in ("phone~1"). */
  function field(key: string) {
    return page.locator(`.modal input[name="${key}"], .modal input[name^="${key}~"]`);
  }

  async function closeModal() {
    await page.click('.modal-close');
    await page.locator('.modal').waitFor({ state: 'detached' });
  }

  /** A Web API call as the bot would make it. */
  async function slackApi(method: string, args: Record<string, unknown>) {
    const response = await fetch(`${sandbox.slack.apiUrl}${method}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${sandbox.slack.botToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(args),
    });
    return (await response.json()) as Record<string, unknown>;
  }

  test('/contact update priya opens Priya Raman’s form with her values', async () => {
    await sendCommand(page, '/contact update priya');
    await field('phone').waitFor();
    await expect(page.locator('.modal').textContent()).resolves.toContain(PRIYA);
    await expect(field('given_name').inputValue()).resolves.toBe('Priya');
    await expect(field('family_name').inputValue()).resolves.toBe('Raman');
    await expect(field('email').inputValue()).resolves.toBe('priya.raman@northwind.example');
    await expect(field('phone').inputValue()).resolves.toBe('+1 415 555 0123');
    await closeModal();
  });

  test('the picker: type "pri", choose Priya Raman, change her job title, Save; the book learns it', async () => {
    await sendCommand(page, '/contact update');
    const picker = page.locator('.modal [data-input-type="external_select"] input');
    await picker.waitFor();
    await picker.pressSequentially('pri');
    await page.locator('.modal .combobox-option', { hasText: 'Priya Raman' }).click();

    // The bot refills the form with her values (new block ids, so Slack takes the new values).
    await page.locator('.modal input[name^="phone~"]').waitFor();
    await expect(field('phone').inputValue()).resolves.toBe('+1 415 555 0123');
    await expect(field('job_title').inputValue()).resolves.toBe('Customer Success Manager');
    await expect(picker.inputValue()).resolves.toContain('Priya Raman');

    await field('job_title').fill('Head of Customer Success');
    await page.click('.modal-submit');
    const confirmation = page
      .locator('.message[data-kind="channel"]', { hasText: 'Head of Customer Success' })
      .last();
    await confirmation.waitFor();
    await expect(confirmation.textContent()).resolves.toContain(
      'Customer Success Manager → Head of Customer Success',
    );
    const patches = sandbox.stuut.requests.filter(
      (r) => r.method === 'PATCH' && r.contactId === PRIYA,
    );
    expect(patches.map((r) => r.body)).toEqual([{ job_title: 'Head of Customer Success' }]);

    const bookRow = page.locator(`#contacts tr.book-row[data-book-id="${PRIYA}"]`);
    await bookRow
      .locator('td[data-field="job_title"]', { hasText: 'Head of Customer Success' })
      .waitFor();
    await expect(bookRow.locator('td[data-field="source"]').textContent()).resolves.toContain(
      'from Stuut',
    );
    await expect(bookRow.getAttribute('data-status')).resolves.toBe('same');
    await expect(bookRow.locator('[data-field="version"]').textContent()).resolves.toBe('v2');
    await closeModal();
  });

  test('/contact find lists the book’s contacts, and their Update buttons open the form', async () => {
    await sendCommand(page, '/contact find');
    const list = page.locator('.message', { hasText: 'most recently changed' }).last();
    await list.waitFor();
    for (const name of ['Priya Raman', 'Marcus Oyelaran', 'Hannah Whitfield', "Siobhán O'Connor"]) {
      await expect(list.textContent()).resolves.toContain(name);
    }
    await expect(list.locator('button', { hasText: 'Update' }).count()).resolves.toBe(5);

    // Every Update button has the same action_id; the one pressed decides whose form opens.
    await list
      .locator('.block[data-block-id^="name_"]', { hasText: "Siobhán O'Connor" })
      .locator('button', { hasText: 'Update' })
      .click();
    await field('email').waitFor();
    await expect(field('email').inputValue()).resolves.toBe('siobhan.oconnor@northwind.example');
    await expect(field('given_name').inputValue()).resolves.toBe('Siobhán');
    await expect(page.locator('.modal').textContent()).resolves.toContain('ic_5Hb1cY8f');
    await closeModal();
  });

  test('a contact the book lacks: "Open the form for id …" in the answer opens an empty form for it', async () => {
    await sendCommand(page, '/contact update ic_0Nobody01');
    const answer = page.locator('.message', { hasText: 'No contact in the book matches' }).last();
    await answer.waitFor();
    await answer.locator('button', { hasText: 'Open the form for id ic_0Nobody01' }).click();
    await field('email').waitFor();
    await expect(page.locator('.modal').textContent()).resolves.toContain('ic_0Nobody01');
    await expect(field('email').inputValue()).resolves.toBe('');
    await closeModal();
  });

  test('update a contact: form, Save, confirmation in the channel, stored change in the side panel', async () => {
    await openForm();
    await page.fill('.modal input[name="phone"]', '(212) 555-0100');
    await page.fill('.modal input[name="job_title"]', 'VP, Customer Success');
    await page.click('.modal-submit');

    const confirmation = page
      .locator('.message[data-kind="channel"]', { hasText: 'VP, Customer Success' })
      .last();
    await confirmation.waitFor();
    await expect(confirmation.textContent()).resolves.toContain(
      '+1 212 555 0147 → +1 212 555 0100',
    );

    const row = page.locator(`#contacts tr[data-contact-id="${CONTACT_ID}"]`);
    await row.locator('td[data-field="phone"]', { hasText: '+12125550100' }).waitFor();
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
    await openForm(CONTACT_ID);
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
    await slackApi('chat.postMessage', { channel: 'C0OPS', blocks: [{ type: 'divider' }] });
    await page.locator('#warnings li', { hasText: /fallback/i }).waitFor();
  });

  test('Undo: the old phone is back in Stuut, the original says "Undone by", and the history shows both changes', async () => {
    const oldPhone = sandbox.stuut.contact(TOM)?.phone;
    expect(oldPhone).toBe('+441614960321');
    // Tom chosen in the side panel: nothing recorded yet.
    await page.locator(`#contacts tr.stuut-row[data-contact-id="${TOM}"]`).click();
    await page.locator('#history-name', { hasText: 'Tom Achterberg' }).waitFor();
    await page.locator('#history-empty', { hasText: 'No changes recorded yet' }).waitFor();

    await openForm(TOM);
    await field('phone').fill('+44 161 496 0999');
    await page.click('.modal-submit');
    const saved = page
      .locator('.message[data-kind="channel"]', { hasText: '+44 161 496 0999' })
      .last();
    await saved.waitFor();
    await closeModal();
    // The panel's history follows the save by itself.
    await page.locator('#history-list .history-item[data-source="form"]').waitFor();

    // The same message, found by its ts: chat.update edits it in place.
    const original = page.locator(`.message[data-ts="${await saved.getAttribute('data-ts')}"]`);
    await original.locator('button[data-action-id="contact_undo"]').click();
    const stuutPhone = page.locator(
      `#contacts tr.stuut-row[data-contact-id="${TOM}"] td[data-field="phone"]`,
    );
    await stuutPhone.filter({ hasText: oldPhone ?? '' }).waitFor();
    expect(sandbox.stuut.contact(TOM)?.phone).toBe(oldPhone);
    expect(
      sandbox.stuut.requests
        .filter((r) => r.method === 'PATCH' && r.contactId === TOM)
        .map((r) => r.body),
    ).toEqual([{ phone: '+441614960999' }, { phone: oldPhone }]);
    await original.filter({ hasText: 'Undone by @Alice Example' }).waitFor();
    await expect(original.textContent()).resolves.toContain('\u21A9\uFE0F Undone by');
    await expect(original.locator('button[data-action-id="contact_undo"]').count()).resolves.toBe(
      0,
    );
    const undid = page.locator('.message[data-kind="channel"]', { hasText: 'undid' }).last();
    await undid.waitFor();
    await expect(undid.textContent()).resolves.toContain('Tom Achterberg');

    // /contact history lists both, newest first: the undo, then the save it undid.
    await sendCommand(page, '/contact history Tom Achterberg');
    const answer = page.locator('.message', { hasText: 'Latest changes' }).last();
    await answer.waitFor();
    const changes = answer.locator('.block[data-block-id^="change_"]');
    await expect(changes.count()).resolves.toBe(2);
    await expect(changes.nth(0).textContent()).resolves.toContain('with Undo');
    await expect(changes.nth(1).textContent()).resolves.toMatch(/with the form.*undone/);

    // The side panel's history of Tom: the same two, the save marked undone.
    const items = page.locator('#history-list .history-item');
    await page.locator('#history-list .history-item[data-source="undo"]').waitFor();
    await expect(items.count()).resolves.toBe(2);
    await expect(items.nth(0).getAttribute('data-source')).resolves.toBe('undo');
    await expect(items.nth(1).getAttribute('data-undone')).resolves.toBe('true');
    await expect(items.nth(0).locator('li[data-field="phone"]').textContent()).resolves.toBe(
      'phone +441614960999 → +441614960321',
    );
    await expect(items.nth(1).locator('li[data-field="phone"]').textContent()).resolves.toBe(
      'phone +441614960321 → +441614960999',
    );
    await expect(items.nth(0).locator('.history-who').textContent()).resolves.toBe('Alice Example');
  });

  test('an ephemeral message replaced through its response_url shows its new content', async () => {
    const posted = await slackApi('chat.postEphemeral', {
      channel: 'C0OPS',
      user: 'U0ALICE',
      text: 'First version',
    });
    const ts = String(posted.message_ts);
    const message = page.locator(`.message[data-kind="ephemeral"][data-ts="${ts}"]`);
    await message.filter({ hasText: 'First version' }).waitFor();
    const url = sandbox.slack.createResponseUrl('C0OPS', 'U0ALICE', { messageTs: ts });
    const replaced = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: true, text: 'Second version' }),
    });
    expect(replaced.status).toBe(200);
    await message.filter({ hasText: 'Second version' }).waitFor();
    await expect(page.locator('.message', { hasText: 'First version' }).count()).resolves.toBe(0);
  });

  test('the side panel shows each contact’s roles and the partners’ ids, and follows a role change', async () => {
    const roles = (contactId: string) =>
      page.locator(`#contacts tr.roles-row[data-roles-of="${contactId}"]`);
    const priyaContoso = roles(PRIYA).locator(
      'li.assignment[data-assignment-id="ica_Pr7CsM2kQa9x"]',
    );
    await priyaContoso.waitFor();
    await expect(priyaContoso.textContent()).resolves.toContain(
      'CSM on Contoso Freight ptn_8fK2mQ1x',
    );
    await expect(priyaContoso.getAttribute('data-partner-id')).resolves.toBe('ptn_8fK2mQ1x');
    // The sandbox's book has not seen this assignment in a Stuut answer.
    await expect(priyaContoso.getAttribute('data-book')).resolves.toBe('missing');
    await expect(roles(PRIYA).locator('li.assignment').count()).resolves.toBe(2);
    await expect(roles(TOM).textContent()).resolves.toContain(
      'Practice lead, no partner (floating)',
    );
    await expect(
      roles(CONTACT_ID).locator('[data-field="role"]').first().textContent(),
    ).resolves.toBe('Account manager');

    // The partners, with ids to copy into /contact assign.
    const partners = page.locator('#partners tr.partner-row');
    await expect(partners.count()).resolves.toBe(4);
    const contoso = page.locator('#partners tr.partner-row[data-partner-id="ptn_8fK2mQ1x"]');
    await expect(contoso.locator('.partner-name').textContent()).resolves.toBe('Contoso Freight');
    await expect(contoso.locator('code.partner-id').textContent()).resolves.toBe('ptn_8fK2mQ1x');
    await expect(contoso.locator('[data-field="assignments"]').textContent()).resolves.toBe('2');
    await expect(
      page.locator('#partners tr.partner-row', { hasText: 'Vandelay Imports' }).textContent(),
    ).resolves.toContain('ptn_Zr4Hk7Yb');

    // A role changed in Stuut shows by itself, in words.
    const HANNAH = 'ic_9Tz4nW6e';
    const original = sandbox.stuut.assignment('ica_Hw9AeI4pLk2j');
    if (!original) throw new Error('seed changed');
    const hannah = roles(HANNAH).locator('li.assignment[data-assignment-id="ica_Hw9AeI4pLk2j"]');
    await expect(hannah.locator('[data-field="role"]').textContent()).resolves.toBe(
      'Account executive',
    );
    try {
      sandbox.stuut.putAssignment({ ...original, internal_role: 'co_lead' });
      await hannah.locator('[data-field="role"]', { hasText: 'Co-lead' }).waitFor();
      await expect(hannah.textContent()).resolves.toContain('Co-lead on Initech Health');
    } finally {
      sandbox.stuut.putAssignment(original);
    }
    await hannah.locator('[data-field="role"]', { hasText: 'Account executive' }).waitFor();
  });

  test('add Ada Lovelace, find her by name, give her a role on Vandelay, then change it: the panel follows each step', async () => {
    const EMAIL = 'ada.lovelace@northwind.example';
    const VANDELAY = 'ptn_Zr4Hk7Yb';

    // /contact add: the form, with the role as a static select.
    await sendCommand(page, '/contact add');
    await page.locator('.modal input[name="add_email"]').waitFor();
    await expect(page.locator('.modal-title').textContent()).resolves.toBe('Add contact');
    const addRole = page.locator('.modal select[name="add_role"]');
    await expect(addRole.getAttribute('data-input-type')).resolves.toBe('static_select');
    await expect(addRole.locator('option').allTextContents()).resolves.toEqual([
      'Choose a role',
      'Account manager',
      'Account executive',
      'CSM',
      'Lead',
      'Co-lead',
      'Practice lead',
    ]);
    await page.fill('.modal input[name="add_email"]', EMAIL);
    await addRole.selectOption({ label: 'Account manager' });
    await page.fill('.modal input[name="add_given_name"]', 'Ada');
    await page.fill('.modal input[name="add_family_name"]', 'Lovelace');
    await page.click('.modal-submit');

    const added = page
      .locator('.message[data-kind="channel"]', { hasText: 'added Ada Lovelace to Stuut' })
      .last();
    await added.waitFor();
    await expect(added.textContent()).resolves.toContain('Account manager');
    await expect(added.textContent()).resolves.toContain(EMAIL);
    const ada = sandbox.stuut.contacts().find((contact) => contact.email === EMAIL);
    if (!ada) throw new Error('Ada is not in Stuut');
    expect(ada).toMatchObject({ given_name: 'Ada', family_name: 'Lovelace' });
    await expect(added.textContent()).resolves.toContain(ada.id);
    // The role select sent its selected_option: Stuut got the role.
    const create = sandbox.stuut.requests.filter((r) => r.route === 'create');
    expect(create.map((r) => r.body)).toEqual([
      expect.objectContaining({ email: EMAIL, internal_role: 'account_manager' }),
    ]);

    // The side panel: in Stuut, in the book, and her floating role.
    const stuutRow = page.locator(`#contacts tr.stuut-row[data-contact-id="${ada.id}"]`);
    await stuutRow.locator('td[data-field="email"]', { hasText: EMAIL }).waitFor();
    const bookRow = page.locator(`#contacts tr.book-row[data-book-id="${ada.id}"]`);
    await bookRow.waitFor();
    await expect(bookRow.getAttribute('data-status')).resolves.toBe('same');
    const roles = page.locator(`#contacts tr.roles-row[data-roles-of="${ada.id}"]`);
    await roles.locator('li.assignment', { hasText: 'Account manager' }).waitFor();
    await expect(roles.textContent()).resolves.toContain('no partner (floating)');
    await closeModal();

    // Found by her name.
    await sendCommand(page, '/contact update ada lovelace');
    await field('email').waitFor();
    await expect(field('email').inputValue()).resolves.toBe(EMAIL);
    await expect(field('given_name').inputValue()).resolves.toBe('Ada');
    await expect(page.locator('.modal').textContent()).resolves.toContain(ada.id);
    await closeModal();

    // /contact assign ada: she is chosen already; the partner id and the role are typed.
    await sendCommand(page, '/contact assign ada');
    const picker = page.locator('.modal .combobox[data-action-id="assign_pick"]');
    await picker.waitFor();
    await expect(picker.getAttribute('data-value')).resolves.toBe(ada.id);
    await expect(picker.locator('input').inputValue()).resolves.toContain('Ada Lovelace');
    const email = page.locator('.modal input[name="assign_email"]');
    await expect(email.getAttribute('data-dispatch-enter')).resolves.toBe('true');
    await page.fill('.modal input[name="assign_partner"]', VANDELAY);
    await page.locator('.modal select[name="assign_role"]').selectOption({ label: 'CSM' });
    await page.click('.modal-submit');
    await page
      .locator('.message[data-kind="channel"]', { hasText: 'made Ada Lovelace CSM' })
      .last()
      .waitFor();
    const onVandelay = roles.locator(`li.assignment[data-partner-id="${VANDELAY}"]`);
    await onVandelay.locator('[data-field="role"]', { hasText: 'CSM' }).waitFor();
    await expect(onVandelay.textContent()).resolves.toContain('CSM on Vandelay Imports');
    await expect(
      page
        .locator(
          `#partners tr.partner-row[data-partner-id="${VANDELAY}"] [data-field="assignments"]`,
        )
        .textContent(),
    ).resolves.toBe('1');
    await closeModal();

    // /contact roles ada → Change role → Lead.
    await sendCommand(page, '/contact roles ada');
    const list = page.locator('.message', { hasText: 'Roles of Ada Lovelace' }).last();
    await list.waitFor();
    await list
      .locator('.block[data-block-id^="role_"]', { hasText: VANDELAY })
      .locator('button[data-action-id="role_change"]')
      .click();
    const roleSelect = page.locator('.modal select[name="role_select"]');
    await roleSelect.waitFor();
    await expect(roleSelect.inputValue()).resolves.toBe('csm');
    await roleSelect.selectOption({ label: 'Lead' });
    await page.click('.modal-submit');
    await page.locator('.message[data-kind="channel"]', { hasText: 'CSM → Lead' }).last().waitFor();
    await onVandelay.locator('[data-field="role"]', { hasText: 'Lead' }).waitFor();
    expect(sandbox.stuut.assignments().find((a) => a.partner_id === VANDELAY)?.internal_role).toBe(
      'lead',
    );
    await closeModal();
  });

  test('Enter in the assign form’s email input checks the email: an unknown one grows the form', async () => {
    await sendCommand(page, '/contact assign');
    const email = page.locator('.modal input[name="assign_email"]');
    await email.waitFor();
    const view = await page.locator('.modal').getAttribute('data-view-id');
    await expect(page.locator('.modal input[name="assign_given_name"]').count()).resolves.toBe(0);
    const assigns = () => sandbox.stuut.requests.filter((r) => r.route === 'assign').length;
    const before = assigns();
    await page.fill('.modal input[name="assign_partner"]', 'ptn_Q5n9Rt2c');
    await email.fill('grace.hopper@northwind.example');
    await email.press('Enter');

    // The bot answered with views.update: the same view, grown; nothing was submitted.
    await page.locator('.modal input[name="assign_given_name"]').waitFor();
    await expect(page.locator('.modal').getAttribute('data-view-id')).resolves.toBe(view);
    await expect(page.locator('.modal-title').textContent()).resolves.toBe('Assign contact');
    await expect(email.inputValue()).resolves.toBe('grace.hopper@northwind.example');
    await expect(page.inputValue('.modal input[name="assign_partner"]')).resolves.toBe(
      'ptn_Q5n9Rt2c',
    );
    await expect(page.locator('.modal .input-error:visible').count()).resolves.toBe(0);
    expect(assigns()).toBe(before);
    await closeModal();
  });

  test('the Slack members panel: edit a title, and the bot acknowledges the user_change event', async () => {
    const SIOBHAN = 'U0SIOBHAN';
    const members = page.locator('#members tr.member-row');
    const row = page.locator(`#members tr.member-row[data-member-id="${SIOBHAN}"]`);
    await row.waitFor();
    await expect(row.locator('[data-field="name"]').textContent()).resolves.toContain(
      "Siobhán O'Connor",
    );
    await expect(row.locator('[data-field="email"]').textContent()).resolves.toBe(
      'siobhan.oconnor@northwind.example',
    );
    await expect(row.locator('[data-field="title"]').textContent()).resolves.toBe(
      'Customer Success Lead',
    );
    // Bots, Slackbot and deactivated members have no profile to edit here.
    const ids = await Promise.all(
      (await members.all()).map((member) => member.getAttribute('data-member-id')),
    );
    expect(ids).toEqual(
      expect.arrayContaining(['U0ALICE', 'U0PRIYA', 'U0MARCUS', 'U0HANNAH', SIOBHAN, 'U0TOM']),
    );
    for (const hidden of ['U0DANA', 'USLACKBOT', sandbox.slack.botUserId]) {
      expect(ids).not.toContain(hidden);
    }
    await expect(page.locator('#members-hidden').textContent()).resolves.toContain('Not listed');

    await row.locator('button.member-edit').click();
    const form = page.locator(`#members tr.member-edit-row[data-member-id="${SIOBHAN}"] form`);
    await expect(form.locator('input[name="title"]').inputValue()).resolves.toBe(
      'Customer Success Lead',
    );
    await form.locator('input[name="title"]').fill('Head of <b>Customer</b> Success & more');
    await form.locator('input[name="phone"]').fill('+353 1 555 0142');
    await form.locator('button.member-save').click();

    const note = page.locator(
      `#members tr.member-note-row[data-member-id="${SIOBHAN}"] .member-note`,
    );
    await note.waitFor();
    await expect(note.getAttribute('data-result')).resolves.toBe('acknowledged');
    await expect(note.textContent()).resolves.toContain('acknowledged it (HTTP 200');
    expect(sandbox.slack.member(SIOBHAN)?.profile).toMatchObject({
      title: 'Head of <b>Customer</b> Success & more',
      phone: '+353 1 555 0142',
    });
    await row
      .locator('[data-field="title"]', { hasText: 'Head of <b>Customer</b> Success & more' })
      .waitFor();
    await expect(row.locator('[data-field="phone"]').textContent()).resolves.toBe(
      '+353 1 555 0142',
    );
    await expect(page.locator('#members b').count()).resolves.toBe(0);
    await expect(page.locator('#members tr.member-edit-row').count()).resolves.toBe(0);
    expect(sandbox.slack.warnings.filter((w) => w.includes('user_change'))).toEqual([]);
  });

  test('drift: Priya’s new title in her Slack profile is proposed; Apply opens her form with it; saving updates Stuut and marks the proposal applied', async () => {
    const PRIYA_MEMBER = 'U0PRIYA';
    const row = page.locator(`#members tr.member-row[data-member-id="${PRIYA_MEMBER}"]`);
    await row.locator('button.member-edit').click();
    const form = page.locator(`#members tr.member-edit-row[data-member-id="${PRIYA_MEMBER}"] form`);
    await form.locator('input[name="title"]').fill('VP, Customer Success');
    await form.locator('button.member-save').click();

    const proposal = page
      .locator('.message[data-kind="channel"]', { hasText: "Priya Raman's Slack profile says" })
      .last();
    await proposal.waitFor();
    await expect(proposal.textContent()).resolves.toContain('VP, Customer Success');
    // What Stuut has now: earlier scenarios here may have changed her title.
    await expect(proposal.textContent()).resolves.toContain(
      `Stuut has ${sandbox.stuut.contact('ic_7Qm2xK9a')?.job_title ?? 'none'}`,
    );

    await proposal.locator('button[data-action-id="drift_apply"]').click();
    await field('job_title').waitFor();
    await expect(field('job_title').inputValue()).resolves.toBe('VP, Customer Success');
    await page.click('.modal-submit');
    const stuutTitle = page.locator(
      `#contacts tr.stuut-row[data-contact-id="ic_7Qm2xK9a"] td[data-field="job_title"]`,
    );
    await stuutTitle.filter({ hasText: 'VP, Customer Success' }).waitFor();
    expect(sandbox.stuut.contact('ic_7Qm2xK9a')?.job_title).toBe('VP, Customer Success');
    const ts = await proposal.getAttribute('data-ts');
    const same = page.locator(`.message[data-ts="${ts}"]`);
    await same.filter({ hasText: 'Applied by' }).waitFor();
    await expect(same.locator('button[data-action-id="drift_apply"]').count()).resolves.toBe(0);
    await closeModal();
  });

  test('/contact update @priya opens her form: the member is found by her Slack email', async () => {
    await sendCommand(page, '/contact update @priya');
    await field('email').waitFor();
    await expect(field('email').inputValue()).resolves.toBe('priya.raman@northwind.example');
    await closeModal();
  });

  test('escapes everything it renders: a contact named like HTML shows as text', async () => {
    const contact = sandbox.stuut.contact('ic_2Ks6jP4g');
    if (!contact) throw new Error('seed changed');
    sandbox.stuut.put({ ...contact, name: '<img src=x onerror=alert(1)>' });
    await page.reload();
    const cell = page.locator('#contacts tr[data-contact-id="ic_2Ks6jP4g"] td[data-field="names"]');
    await expect(cell.textContent()).resolves.toContain('<img src=x onerror=alert(1)>');
    await expect(page.locator('#contacts img').count()).resolves.toBe(0);
    // Still chosen after the reload (#contact=…), so its history heading shows the name too.
    await expect(page.locator('#history-name').textContent()).resolves.toBe(
      '<img src=x onerror=alert(1)>',
    );
    await expect(page.locator('#side-panel img').count()).resolves.toBe(0);

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
