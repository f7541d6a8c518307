import type { ModalView } from '@slack/types';
import {
  CONTACT_FIELDS,
  type ContactPatch,
  type ContactValues,
  valuesOf,
} from '../../../src/domain/contact';
import { changedFields } from '../../../src/domain/diff';
import { validateView } from '../../../src/sandbox/slack';
import { CALLBACK_ID } from '../../../src/slack/ids';
import { savedView, savingView } from '../../../src/slack/views/saveViews';
import { SAMPLE_VALUES, sampleContact, worstCaseSave } from '../../fixtures';

const ID = 'ic_7Qm2xK9a';

const BEFORE: ContactValues = SAMPLE_VALUES;

const contactWith = sampleContact;

interface Text {
  type: string;
  text: string;
}
interface Block {
  type: string;
  block_id?: string;
  text?: Text;
  fields?: Text[];
  elements?: Text[];
}

function blocksOf(view: ModalView): Block[] {
  return view.blocks as unknown as Block[];
}

function textOf(view: ModalView, id: string): string {
  const block = blocksOf(view).find((b) => b.block_id === id);
  return block?.text?.text ?? block?.elements?.map((e) => e.text).join('\n') ?? '';
}

function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own = record.type === 'mrkdwn' && typeof record.text === 'string' ? [record.text] : [];
  return [...own, ...Object.values(record).flatMap(mrkdwnTexts)];
}

function expectModalLimits(view: ModalView) {
  expect(validateView(view)).toEqual([]);
  for (const text of [view.title.text, view.close?.text ?? 'x', view.submit?.text ?? 'x']) {
    expect([...text].length).toBeGreaterThan(0);
    expect([...text].length).toBeLessThanOrEqual(24);
  }
  expect(view.blocks.length).toBeLessThanOrEqual(100);
  for (const text of mrkdwnTexts(view.blocks)) {
    expect([...text].length).toBeGreaterThan(0);
    expect([...text].length).toBeLessThanOrEqual(3000);
  }
}

describe('savingView', () => {
  const view = savingView(ID);

  test('is a modal with only a close button: nothing to submit while saving', () => {
    expect(view.type).toBe('modal');
    expect(view.callback_id).toBe(CALLBACK_ID.saving);
    expect(view.submit).toBeUndefined();
    expect(view.close?.text).toBe('Close');
    expect(blocksOf(view).some((block) => block.type === 'input')).toBe(false);
    expectModalLimits(view);
  });

  test('says it is saving, for which contact, and where the outcome goes if closed', () => {
    const text = textOf(view, 'saving');
    expect(text).toContain('Saving…');
    expect(text).toContain(`\`${ID}\``);
    expect(text).toMatch(/close it, the outcome comes to you as a message/);
  });

  test('escapes the id', () => {
    expect(textOf(savingView('<!channel>'), 'saving')).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(savingView('<!channel>'))).not.toContain('<!channel>');
  });
});

describe('savedView', () => {
  function saved(
    patch: ContactPatch,
    after: Partial<ContactValues>,
    baseline: ContactValues | null,
    confirmationChannelId: string | null = 'C0UPD',
  ): ModalView {
    const contact = contactWith(after);
    return savedView({
      contact,
      changes: changedFields(patch, valuesOf(contact), baseline),
      confirmationChannelId,
    });
  }

  test('is a result modal titled within 24 characters', () => {
    const view = saved({ job_title: 'VP' }, { job_title: 'VP' }, BEFORE);
    expect(view.callback_id).toBe(CALLBACK_ID.result);
    expect(view.title.text).toBe('Contact updated');
    expect(view.close?.text).toBe('Done');
    expect(view.submit).toBeUndefined();
    expectModalLimits(view);
  });

  test('names the contact and lists the changes, before → after when known', () => {
    const view = saved({ job_title: 'VP', phone: null }, { job_title: 'VP', phone: null }, BEFORE);
    const text = textOf(view, 'saved');
    expect(text).toContain('*Saved Priya Raman*');
    // Phones are shown to people in international format; Stuut keeps them in E.164.
    expect(text).toContain('• *Phone*: +1 415 555 0100 → _cleared_');
    expect(text).toContain('• *Job title*: Customer Success Manager → VP');
  });

  test('lists only the new value when the old one was not known', () => {
    const text = textOf(saved({ job_title: 'VP' }, { job_title: 'VP' }, null), 'saved');
    expect(text).toContain('• *Job title*: VP');
    expect(text).not.toContain('→');
  });

  test('shows every field of the contact', () => {
    const view = saved({ job_title: 'VP' }, { job_title: 'VP' }, null);
    const fields = blocksOf(view).find((b) => b.block_id === 'contact')?.fields ?? [];
    expect(fields).toHaveLength(CONTACT_FIELDS.length);
    expect(fields.map((f) => f.text)).toContain('*Job title*\nVP');
    expect(fields.map((f) => f.text)).toContain('*Email*\npriya.raman@example.com');
    expect(fields.map((f) => f.text)).toContain('*Phone*\n+1 415 555 0100');
  });

  test('says where the confirmation goes', () => {
    const inChannel = textOf(saved({ job_title: 'VP' }, { job_title: 'VP' }, null), 'where');
    expect(inChannel).toContain(`Contact id \`${ID}\``);
    expect(inChannel).toContain('A confirmation goes to <#C0UPD>.');
    const toPerson = textOf(saved({ job_title: 'VP' }, { job_title: 'VP' }, null, null), 'where');
    expect(toPerson).toContain('A confirmation comes to you as a message.');
  });

  test.each(['<!channel>', '<@U123>', '<https://x|y>'])('never shows %j unescaped', (evil) => {
    const view = saved(
      { job_title: evil, name: evil },
      { job_title: evil, name: evil },
      { ...BEFORE, given_name: evil },
    );
    const json = JSON.stringify(view);
    expect(json).not.toContain(evil);
    expect(json).toContain(evil.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });

  test.each([
    ['plain', 'x'],
    ['escaping', '<'],
    ['ampersand', '&'],
  ])('every field changed to 255 %s characters stays within the limits', (_what, ch) => {
    const fill = (c: string) => (ch === 'x' ? c : ch).repeat(255);
    const { before, after, patch } = worstCaseSave(fill);
    const view = saved(patch, after, before);
    expectModalLimits(view);
    const fields = blocksOf(view).find((b) => b.block_id === 'contact')?.fields ?? [];
    for (const field of fields) expect([...field.text].length).toBeLessThanOrEqual(2000);
  });
});
