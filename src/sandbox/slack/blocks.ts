import { randomInt } from 'node:crypto';
import type { JsonObject, OptionObject, StateValue, TextObject, ViewState } from './types';

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function records(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Slack counts characters, not UTF-16 units: an emoji is one. */
export function charCount(text: string): number {
  return [...text].length;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomToken(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

export function toTextObject(value: unknown): TextObject {
  const v = isRecord(value) ? value : {};
  const text: TextObject = {
    type: v.type === 'mrkdwn' ? 'mrkdwn' : 'plain_text',
    text: optionalString(v.text) ?? '',
  };
  if (typeof v.emoji === 'boolean') text.emoji = v.emoji;
  if (typeof v.verbatim === 'boolean') text.verbatim = v.verbatim;
  return text;
}

export function toOption(value: unknown): OptionObject {
  const v = isRecord(value) ? value : {};
  const option: OptionObject = { text: toTextObject(v.text), value: optionalString(v.value) ?? '' };
  if (isRecord(v.description)) option.description = toTextObject(v.description);
  return option;
}

/** All options of a select or checkboxes element, option groups flattened. */
export function elementOptions(element: JsonObject): OptionObject[] {
  const groups = records(element.option_groups).flatMap((g) => records(g.options));
  return [...records(element.options), ...groups].map(toOption);
}

export interface InputBlockRef {
  blockId: string;
  actionId: string;
  element: JsonObject;
  optional: boolean;
}

/** Input blocks with their ids; blocks must already carry ids (see withGeneratedIds). */
export function inputBlocks(blocks: readonly unknown[]): InputBlockRef[] {
  return records(blocks).flatMap((block) => {
    const element = block.element;
    if (block.type !== 'input' || !isRecord(element)) return [];
    const blockId = optionalString(block.block_id);
    const actionId = optionalString(element.action_id);
    if (blockId === undefined || actionId === undefined) return [];
    return [{ blockId, actionId, element, optional: block.optional === true }];
  });
}

const TEXT_VALUE_TYPES = new Set([
  'plain_text_input',
  'email_text_input',
  'url_text_input',
  'number_input',
]);
const SINGLE_OPTION_TYPES = new Set(['static_select', 'external_select', 'radio_buttons']);
const MULTI_OPTION_TYPES = new Set(['checkboxes', 'multi_static_select', 'multi_external_select']);
/** Pickers whose state is one id/date string, by element type → [state key, initial key]. */
const SINGLE_PICKS: Record<string, [keyof StateValue, string]> = {
  datepicker: ['selected_date', 'initial_date'],
  timepicker: ['selected_time', 'initial_time'],
  users_select: ['selected_user', 'initial_user'],
  conversations_select: ['selected_conversation', 'initial_conversation'],
  channels_select: ['selected_channel', 'initial_channel'],
};
const MULTI_PICKS: Record<string, [keyof StateValue, string]> = {
  multi_users_select: ['selected_users', 'initial_users'],
  multi_conversations_select: ['selected_conversations', 'initial_conversations'],
  multi_channels_select: ['selected_channels', 'initial_channels'],
};

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** What Slack reports for an element nobody has touched: initial values count as typed. */
export function initialStateValue(element: JsonObject): StateValue {
  const type = optionalString(element.type) ?? 'unknown';
  if (TEXT_VALUE_TYPES.has(type)) {
    const initial = optionalString(element.initial_value);
    return { type, value: initial ? initial : null };
  }
  if (SINGLE_OPTION_TYPES.has(type)) {
    return {
      type,
      selected_option: isRecord(element.initial_option) ? toOption(element.initial_option) : null,
    };
  }
  if (MULTI_OPTION_TYPES.has(type)) {
    return { type, selected_options: records(element.initial_options).map(toOption) };
  }
  const single = SINGLE_PICKS[type];
  if (single) return { type, [single[0]]: optionalString(element[single[1]]) ?? null };
  const multi = MULTI_PICKS[type];
  if (multi) return { type, [multi[0]]: strings(element[multi[1]]) };
  return { type };
}

/**
 * State of a (new or replaced) view. Slack keeps what the person entered wherever the
 * same block_id + action_id pair (with the same element type) survives a views.update.
 */
export function computeState(blocks: readonly unknown[], previous?: ViewState): ViewState {
  const values: ViewState['values'] = {};
  for (const { blockId, actionId, element } of inputBlocks(blocks)) {
    const kept = previous?.values[blockId]?.[actionId];
    const fresh = initialStateValue(element);
    values[blockId] = { [actionId]: kept && kept.type === fresh.type ? kept : fresh };
  }
  return { values };
}

function elementsOf(block: JsonObject): JsonObject[] {
  if (block.type === 'input' && isRecord(block.element)) return [block.element];
  if (block.type === 'actions') return records(block.elements);
  if (block.type === 'section' && isRecord(block.accessory)) return [block.accessory];
  return [];
}

/**
 * Slack fills in a random block_id / action_id where the app left them out, which is why
 * state keyed by generated ids does not survive a views.update.
 */
export function withGeneratedIds(blocks: readonly unknown[]): JsonObject[] {
  const copy = records(structuredClone(blocks));
  const used = new Set(copy.map((b) => b.block_id).filter((id) => typeof id === 'string'));
  for (const block of copy) {
    if (block.block_id === undefined) {
      let id = randomToken(4);
      while (used.has(id)) id = randomToken(4);
      used.add(id);
      block.block_id = id;
    }
    for (const element of elementsOf(block)) {
      if (element.action_id === undefined && element.type !== 'image') {
        element.action_id = randomToken(5);
      }
    }
  }
  return copy;
}

export interface FoundButton {
  blockId: string;
  element: JsonObject;
}

export function findButton(blocks: readonly unknown[], actionId: string): FoundButton | undefined {
  for (const block of records(blocks)) {
    for (const element of elementsOf(block)) {
      if (element.type === 'button' && element.action_id === actionId) {
        return { blockId: optionalString(block.block_id) ?? '', element };
      }
    }
  }
  return undefined;
}

/** The state a person produces by typing/selecting `input` into `element`. */
export function typedStateValue(element: JsonObject, input: string | null | string[]): StateValue {
  const type = optionalString(element.type) ?? 'unknown';
  const expectOne = (): string | null => {
    if (Array.isArray(input)) throw new Error(`${type} takes one value, not a list`);
    return input;
  };
  const expectMany = (): string[] => {
    if (!Array.isArray(input)) throw new Error(`${type} takes a list of values`);
    return input;
  };
  const pick = (value: string): OptionObject => {
    const found = elementOptions(element).find((o) => o.value === value);
    if (!found) throw new Error(`${type} has no option with value '${value}'`);
    return found;
  };
  if (TEXT_VALUE_TYPES.has(type)) {
    const value = expectOne();
    return { type, value: value === '' ? null : value };
  }
  if (type === 'external_select') {
    // The real options come from the app's options listener; the typed value stands in.
    const value = expectOne();
    return {
      type,
      selected_option: value === null ? null : { text: { type: 'plain_text', text: value }, value },
    };
  }
  if (SINGLE_OPTION_TYPES.has(type)) {
    const value = expectOne();
    return { type, selected_option: value === null ? null : pick(value) };
  }
  if (type === 'multi_external_select') {
    return {
      type,
      selected_options: expectMany().map((value) => ({
        text: { type: 'plain_text', text: value },
        value,
      })),
    };
  }
  if (MULTI_OPTION_TYPES.has(type)) return { type, selected_options: expectMany().map(pick) };
  const single = SINGLE_PICKS[type];
  if (single) return { type, [single[0]]: expectOne() };
  const multi = MULTI_PICKS[type];
  if (multi) return { type, [multi[0]]: expectMany() };
  throw new Error(`cannot type into a ${type} element`);
}

export function isEmptyState(value: StateValue): boolean {
  const entries = Object.entries(value).filter(([key]) => key !== 'type');
  return entries.every(([, v]) => v === null || v === undefined || (Array.isArray(v) && !v.length));
}

/**
 * What the Slack client itself refuses before sending a view_submission, keyed by block_id
 * like the inline errors it shows: empty required inputs and text outside min/max_length.
 */
export function clientSideErrors(
  blocks: readonly unknown[],
  state: ViewState,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const { blockId, actionId, element, optional } of inputBlocks(blocks)) {
    const value = state.values[blockId]?.[actionId] ?? initialStateValue(element);
    if (isEmptyState(value)) {
      if (!optional) errors[blockId] = 'Please fill out this field.';
      continue;
    }
    if (element.type !== 'plain_text_input' || typeof value.value !== 'string') continue;
    const length = charCount(value.value);
    const min = typeof element.min_length === 'number' ? element.min_length : 0;
    const max = typeof element.max_length === 'number' ? element.max_length : 3000;
    if (length < min) errors[blockId] = `Must be at least ${min} characters.`;
    if (length > max) errors[blockId] = `Must be ${max} characters or fewer.`;
  }
  return errors;
}
