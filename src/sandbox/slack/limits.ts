import { charCount, isRecord, records } from './blocks';
import type { JsonObject } from './types';

/** Documented Block Kit limits (slack-notes.md and Slack's Block Kit reference). */
export const LIMITS = {
  modalText: 24,
  modalBlocks: 100,
  messageBlocks: 50,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  blockId: 255,
  actionId: 255,
  text: 3000,
  headerText: 150,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  actionsElements: 25,
  label: 2000,
  hint: 2000,
  placeholder: 150,
  textInputLength: 3000,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  checkboxOptions: 10,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  overflowOptions: { min: 2, max: 5 },
  altText: 2000,
  /** chat.postMessage answers msg_too_long beyond this. */
  messageText: 40000,
} as const;

type Out = string[];

/** Problems read like Slack's own `[ERROR] … [json-pointer:…]` messages, minus the prefix. */
function problem(out: Out, pointer: string, message: string): void {
  out.push(`${message} [json-pointer:${pointer}]`);
}

function onlyKeys(value: JsonObject, allowed: readonly string[], pointer: string, out: Out): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problem(out, pointer, `invalid additional property: ${key}`);
  }
}

function checkString(
  value: unknown,
  pointer: string,
  out: Out,
  rule: { max: number; min?: number; required?: boolean },
): void {
  if (value === undefined) {
    if (rule.required) problem(out, pointer, 'missing required field');
    return;
  }
  if (typeof value !== 'string') {
    problem(out, pointer, 'must be a string');
    return;
  }
  const length = charCount(value);
  const min = rule.min ?? 0;
  if (length < min) problem(out, pointer, `must be at least ${min} characters`);
  if (length > rule.max) problem(out, pointer, `must be at most ${rule.max} characters`);
}

function checkBoolean(value: unknown, pointer: string, out: Out): void {
  if (value !== undefined && typeof value !== 'boolean') problem(out, pointer, 'must be a boolean');
}

interface TextRule {
  max: number;
  plainOnly?: boolean;
  required?: boolean;
}

function checkText(value: unknown, pointer: string, out: Out, rule: TextRule): void {
  if (value === undefined) {
    if (rule.required) problem(out, pointer, 'missing required field');
    return;
  }
  if (!isRecord(value)) {
    problem(out, pointer, 'must provide a text object');
    return;
  }
  if (value.type !== 'plain_text' && value.type !== 'mrkdwn') {
    problem(out, `${pointer}/type`, 'must be plain_text or mrkdwn');
    return;
  }
  if (rule.plainOnly && value.type !== 'plain_text') {
    problem(out, `${pointer}/type`, 'must be plain_text');
  }
  const keys =
    value.type === 'plain_text' ? ['type', 'text', 'emoji'] : ['type', 'text', 'verbatim'];
  onlyKeys(value, keys, pointer, out);
  checkBoolean(value.emoji, `${pointer}/emoji`, out);
  checkBoolean(value.verbatim, `${pointer}/verbatim`, out);
  checkString(value.text, `${pointer}/text`, out, {
    min: 1,
    max: Math.min(rule.max, LIMITS.text),
    required: true,
  });
}

function checkArray(
  value: unknown,
  pointer: string,
  out: Out,
  rule: { min: number; max: number; required?: boolean },
): unknown[] {
  if (value === undefined) {
    if (rule.required) problem(out, pointer, 'missing required field');
    return [];
  }
  if (!Array.isArray(value)) {
    problem(out, pointer, 'must be an array');
    return [];
  }
  if (value.length < rule.min) problem(out, pointer, `must provide at least ${rule.min} items`);
  if (value.length > rule.max) problem(out, pointer, `must provide at most ${rule.max} items`);
  return value;
}

interface OptionRule {
  allowMrkdwn?: boolean;
  allowUrl?: boolean;
}

function checkOption(value: unknown, pointer: string, out: Out, rule: OptionRule): void {
  if (!isRecord(value)) {
    problem(out, pointer, 'must provide an object');
    return;
  }
  const keys = ['text', 'value', 'description', ...(rule.allowUrl ? ['url'] : [])];
  onlyKeys(value, keys, pointer, out);
  const plainOnly = !rule.allowMrkdwn;
  checkText(value.text, `${pointer}/text`, out, {
    max: LIMITS.optionText,
    plainOnly,
    required: true,
  });
  checkString(value.value, `${pointer}/value`, out, { max: LIMITS.optionValue, required: true });
  checkText(value.description, `${pointer}/description`, out, {
    max: LIMITS.optionText,
    plainOnly,
  });
  checkString(value.url, `${pointer}/url`, out, { max: LIMITS.url });
}

function sameOption(a: unknown, b: unknown): boolean {
  if (!isRecord(a) || !isRecord(b) || !isRecord(a.text) || !isRecord(b.text)) return false;
  return a.value === b.value && a.text.type === b.text.type && a.text.text === b.text.text;
}

function checkInitialOptions(
  initial: unknown[],
  options: unknown[],
  pointer: string,
  out: Out,
): void {
  initial.forEach((chosen, i) => {
    if (!options.some((o) => sameOption(o, chosen))) {
      problem(out, `${pointer}/${i}`, 'must exactly match one of the options');
    }
  });
}

function checkConfirm(value: unknown, pointer: string, out: Out): void {
  if (value === undefined) return;
  if (!isRecord(value)) {
    problem(out, pointer, 'must provide an object');
    return;
  }
  onlyKeys(value, ['title', 'text', 'confirm', 'deny', 'style'], pointer, out);
  const plainOnly = true;
  checkText(value.title, `${pointer}/title`, out, { max: 100, plainOnly, required: true });
  checkText(value.text, `${pointer}/text`, out, { max: 300, required: true });
  checkText(value.confirm, `${pointer}/confirm`, out, { max: 30, plainOnly, required: true });
  checkText(value.deny, `${pointer}/deny`, out, { max: 30, plainOnly, required: true });
  checkStyle(value.style, `${pointer}/style`, out);
}

function checkStyle(value: unknown, pointer: string, out: Out): void {
  if (value !== undefined && value !== 'primary' && value !== 'danger') {
    problem(out, pointer, 'must be primary or danger');
  }
}

function checkPlaceholder(value: unknown, pointer: string, out: Out): void {
  checkText(value, pointer, out, { max: LIMITS.placeholder, plainOnly: true });
}

function checkInteger(
  value: unknown,
  pointer: string,
  out: Out,
  range: { min: number; max: number },
): value is number {
  if (value === undefined) return false;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    problem(out, pointer, 'must be an integer');
    return false;
  }
  if (value < range.min || value > range.max) {
    problem(out, pointer, `must be between ${range.min} and ${range.max}`);
    return false;
  }
  return true;
}

type ElementCheck = (el: JsonObject, pointer: string, out: Out) => void;

const ELEMENTS: Record<string, { keys: readonly string[]; check: ElementCheck }> = {
  button: {
    keys: ['type', 'action_id', 'text', 'url', 'value', 'style', 'confirm', 'accessibility_label'],
    check: (el, p, out) => {
      checkText(el.text, `${p}/text`, out, {
        max: LIMITS.buttonText,
        plainOnly: true,
        required: true,
      });
      checkString(el.value, `${p}/value`, out, { max: LIMITS.buttonValue });
      checkString(el.url, `${p}/url`, out, { max: LIMITS.url });
      checkString(el.accessibility_label, `${p}/accessibility_label`, out, { max: 75 });
      checkStyle(el.style, `${p}/style`, out);
      checkConfirm(el.confirm, `${p}/confirm`, out);
    },
  },
  plain_text_input: {
    keys: [
      'type',
      'action_id',
      'initial_value',
      'multiline',
      'min_length',
      'max_length',
      'placeholder',
      'dispatch_action_config',
      'focus_on_load',
    ],
    check: (el, p, out) => {
      checkPlaceholder(el.placeholder, `${p}/placeholder`, out);
      checkBoolean(el.multiline, `${p}/multiline`, out);
      checkBoolean(el.focus_on_load, `${p}/focus_on_load`, out);
      const max = LIMITS.textInputLength;
      const hasMin = checkInteger(el.min_length, `${p}/min_length`, out, { min: 0, max });
      const hasMax = checkInteger(el.max_length, `${p}/max_length`, out, { min: 1, max });
      if (hasMin && hasMax && Number(el.min_length) > Number(el.max_length)) {
        problem(out, `${p}/min_length`, 'must not be greater than max_length');
      }
      const limit = hasMax ? Number(el.max_length) : max;
      checkString(el.initial_value, `${p}/initial_value`, out, { max: limit });
    },
  },
  email_text_input: {
    keys: [
      'type',
      'action_id',
      'initial_value',
      'placeholder',
      'dispatch_action_config',
      'focus_on_load',
    ],
    check: (el, p, out) => {
      checkPlaceholder(el.placeholder, `${p}/placeholder`, out);
      checkBoolean(el.focus_on_load, `${p}/focus_on_load`, out);
      checkString(el.initial_value, `${p}/initial_value`, out, { max: LIMITS.textInputLength });
    },
  },
  checkboxes: {
    keys: ['type', 'action_id', 'options', 'initial_options', 'confirm', 'focus_on_load'],
    check: (el, p, out) => {
      const options = checkArray(el.options, `${p}/options`, out, {
        min: 1,
        max: LIMITS.checkboxOptions,
        required: true,
      });
      options.forEach((o, i) => {
        checkOption(o, `${p}/options/${i}`, out, { allowMrkdwn: true });
      });
      const initial = checkArray(el.initial_options, `${p}/initial_options`, out, {
        min: 0,
        max: LIMITS.checkboxOptions,
      });
      checkInitialOptions(initial, options, `${p}/initial_options`, out);
      checkConfirm(el.confirm, `${p}/confirm`, out);
    },
  },
  static_select: {
    keys: [
      'type',
      'action_id',
      'options',
      'option_groups',
      'initial_option',
      'placeholder',
      'confirm',
      'focus_on_load',
    ],
    check: (el, p, out) => {
      checkPlaceholder(el.placeholder, `${p}/placeholder`, out);
      if ((el.options === undefined) === (el.option_groups === undefined)) {
        problem(out, p, 'must provide exactly one of options or option_groups');
      }
      const rule = { min: 1, max: LIMITS.selectOptions };
      const options = checkArray(el.options, `${p}/options`, out, rule);
      options.forEach((o, i) => {
        checkOption(o, `${p}/options/${i}`, out, {});
      });
      const groups = checkArray(el.option_groups, `${p}/option_groups`, out, rule);
      const grouped = groups.flatMap((g, gi) => {
        const gp = `${p}/option_groups/${gi}`;
        if (!isRecord(g)) {
          problem(out, gp, 'must provide an object');
          return [];
        }
        onlyKeys(g, ['label', 'options'], gp, out);
        const label = { max: LIMITS.optionText, plainOnly: true, required: true };
        checkText(g.label, `${gp}/label`, out, label);
        const inner = checkArray(g.options, `${gp}/options`, out, { ...rule, required: true });
        inner.forEach((o, i) => {
          checkOption(o, `${gp}/options/${i}`, out, {});
        });
        return inner;
      });
      if (el.initial_option !== undefined) {
        checkInitialOptions(
          [el.initial_option],
          [...options, ...grouped],
          `${p}/initial_option`,
          out,
        );
      }
      checkConfirm(el.confirm, `${p}/confirm`, out);
    },
  },
  external_select: {
    keys: [
      'type',
      'action_id',
      'initial_option',
      'min_query_length',
      'placeholder',
      'confirm',
      'focus_on_load',
    ],
    check: (el, p, out) => {
      checkPlaceholder(el.placeholder, `${p}/placeholder`, out);
      if (el.initial_option !== undefined) {
        checkOption(el.initial_option, `${p}/initial_option`, out, {});
      }
      checkInteger(el.min_query_length, `${p}/min_query_length`, out, { min: 0, max: 1000 });
      checkConfirm(el.confirm, `${p}/confirm`, out);
    },
  },
  overflow: {
    keys: ['type', 'action_id', 'options', 'confirm'],
    check: (el, p, out) => {
      const options = checkArray(el.options, `${p}/options`, out, {
        ...LIMITS.overflowOptions,
        required: true,
      });
      options.forEach((o, i) => {
        checkOption(o, `${p}/options/${i}`, out, { allowUrl: true });
      });
      checkConfirm(el.confirm, `${p}/confirm`, out);
    },
  },
  datepicker: {
    keys: ['type', 'action_id', 'initial_date', 'placeholder', 'confirm', 'focus_on_load'],
    check: (el, p, out) => {
      checkPlaceholder(el.placeholder, `${p}/placeholder`, out);
      const date = el.initial_date;
      if (date !== undefined && (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date))) {
        problem(out, `${p}/initial_date`, 'must be a date formatted YYYY-MM-DD');
      }
      checkConfirm(el.confirm, `${p}/confirm`, out);
    },
  },
  image: {
    keys: ['type', 'image_url', 'slack_file', 'alt_text'],
    check: (el, p, out) => checkImage(el, p, out),
  },
};

/** Real element types this emulator accepts without checking their fields in detail. */
const LOOSE_ELEMENTS = new Set([
  'radio_buttons',
  'multi_static_select',
  'multi_external_select',
  'users_select',
  'multi_users_select',
  'conversations_select',
  'multi_conversations_select',
  'channels_select',
  'multi_channels_select',
  'timepicker',
  'datetimepicker',
  'number_input',
  'url_text_input',
  'rich_text_input',
  'file_input',
  'workflow_button',
]);

const SELECTS = [
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
];
const INTERACTIVE = ['button', 'checkboxes', 'radio_buttons', 'overflow', 'workflow_button'];
const PICKERS = ['datepicker', 'timepicker', 'datetimepicker'];

const PLACES = {
  input: new Set([
    'plain_text_input',
    'email_text_input',
    'url_text_input',
    'number_input',
    'rich_text_input',
    'file_input',
    'checkboxes',
    'radio_buttons',
    ...SELECTS,
    ...PICKERS,
  ]),
  actions: new Set([...INTERACTIVE, ...SELECTS, ...PICKERS]),
  accessory: new Set([...INTERACTIVE, ...SELECTS, 'datepicker', 'timepicker', 'image']),
};

function checkImage(el: JsonObject, pointer: string, out: Out): void {
  if (el.image_url === undefined && el.slack_file === undefined) {
    problem(out, pointer, 'must provide image_url or slack_file');
  }
  checkString(el.image_url, `${pointer}/image_url`, out, { max: LIMITS.url });
  checkString(el.alt_text, `${pointer}/alt_text`, out, { max: LIMITS.altText, required: true });
}

function checkElement(
  el: unknown,
  pointer: string,
  out: Out,
  place: keyof typeof PLACES,
  actionIds: Set<string>,
): void {
  if (!isRecord(el)) {
    problem(out, pointer, 'must provide an object');
    return;
  }
  const type = el.type;
  if (typeof type !== 'string') {
    problem(out, `${pointer}/type`, 'missing required field');
    return;
  }
  const known = ELEMENTS[type];
  if (!known && !LOOSE_ELEMENTS.has(type)) {
    problem(out, `${pointer}/type`, `unknown element type: ${type}`);
    return;
  }
  if (!PLACES[place].has(type)) {
    problem(out, `${pointer}/type`, `element type ${type} is not allowed in ${place}`);
    return;
  }
  if (known) {
    onlyKeys(el, known.keys, pointer, out);
    known.check(el, pointer, out);
  }
  if (type === 'image') return;
  checkString(el.action_id, `${pointer}/action_id`, out, { min: 1, max: LIMITS.actionId });
  if (typeof el.action_id === 'string') {
    // Slack wants action_ids unique within their block; state is keyed block_id → action_id.
    if (actionIds.has(el.action_id)) {
      problem(out, `${pointer}/action_id`, `duplicate action_id in block: ${el.action_id}`);
    }
    actionIds.add(el.action_id);
  }
}

type Surface = 'modal' | 'message';
type BlockCheck = (block: JsonObject, pointer: string, out: Out, surface: Surface) => void;

const BLOCKS: Record<string, { keys: readonly string[]; check: BlockCheck }> = {
  section: {
    keys: ['type', 'block_id', 'text', 'fields', 'accessory', 'expand'],
    check: (b, p, out) => {
      if (b.text === undefined && b.fields === undefined) {
        problem(out, p, 'must provide text or fields');
      }
      checkText(b.text, `${p}/text`, out, { max: LIMITS.text });
      const fields = checkArray(b.fields, `${p}/fields`, out, {
        min: 1,
        max: LIMITS.sectionFields,
      });
      fields.forEach((f, i) => {
        checkText(f, `${p}/fields/${i}`, out, { max: LIMITS.fieldText, required: true });
      });
      if (b.accessory !== undefined) {
        checkElement(b.accessory, `${p}/accessory`, out, 'accessory', new Set());
      }
      checkBoolean(b.expand, `${p}/expand`, out);
    },
  },
  header: {
    keys: ['type', 'block_id', 'text'],
    check: (b, p, out) => {
      const rule = { max: LIMITS.headerText, plainOnly: true, required: true };
      checkText(b.text, `${p}/text`, out, rule);
    },
  },
  context: {
    keys: ['type', 'block_id', 'elements'],
    check: (b, p, out) => {
      const elements = checkArray(b.elements, `${p}/elements`, out, {
        min: 1,
        max: LIMITS.contextElements,
        required: true,
      });
      elements.forEach((el, i) => {
        const ep = `${p}/elements/${i}`;
        if (isRecord(el) && el.type === 'image') {
          onlyKeys(el, ELEMENTS.image?.keys ?? [], ep, out);
          checkImage(el, ep, out);
        } else if (isRecord(el) && (el.type === 'plain_text' || el.type === 'mrkdwn')) {
          checkText(el, ep, out, { max: LIMITS.text });
        } else {
          problem(out, ep, 'must be an image element or a text object');
        }
      });
    },
  },
  divider: { keys: ['type', 'block_id'], check: () => undefined },
  actions: {
    keys: ['type', 'block_id', 'elements'],
    check: (b, p, out) => {
      const elements = checkArray(b.elements, `${p}/elements`, out, {
        min: 1,
        max: LIMITS.actionsElements,
        required: true,
      });
      const ids = new Set<string>();
      elements.forEach((el, i) => {
        checkElement(el, `${p}/elements/${i}`, out, 'actions', ids);
      });
    },
  },
  input: {
    keys: ['type', 'block_id', 'label', 'element', 'hint', 'optional', 'dispatch_action'],
    check: (b, p, out, surface) => {
      if (surface !== 'modal') problem(out, p, 'input blocks are only accepted in modals');
      const plain = { plainOnly: true };
      checkText(b.label, `${p}/label`, out, { ...plain, max: LIMITS.label, required: true });
      checkText(b.hint, `${p}/hint`, out, { ...plain, max: LIMITS.hint });
      checkBoolean(b.optional, `${p}/optional`, out);
      checkBoolean(b.dispatch_action, `${p}/dispatch_action`, out);
      if (b.element === undefined) {
        problem(out, `${p}/element`, 'missing required field');
        return;
      }
      checkElement(b.element, `${p}/element`, out, 'input', new Set());
    },
  },
  image: {
    keys: ['type', 'block_id', 'image_url', 'slack_file', 'alt_text', 'title'],
    check: (b, p, out) => {
      checkImage(b, p, out);
      checkText(b.title, `${p}/title`, out, { max: LIMITS.altText, plainOnly: true });
    },
  },
};

/** Real block types accepted without a detailed check of their fields. */
const LOOSE_BLOCKS = new Set(['rich_text', 'markdown', 'video']);

function checkBlocks(blocks: unknown[], pointer: string, out: Out, surface: Surface): void {
  const blockIds = new Set<string>();
  for (const [i, block] of blocks.entries()) {
    const p = `${pointer}/${i}`;
    if (!isRecord(block)) {
      problem(out, p, 'must provide an object');
      continue;
    }
    const type = block.type;
    if (typeof type !== 'string') {
      problem(out, `${p}/type`, 'missing required field');
      continue;
    }
    const known = BLOCKS[type];
    if (!known && !LOOSE_BLOCKS.has(type)) {
      problem(out, `${p}/type`, `unknown block type: ${type}`);
      continue;
    }
    checkString(block.block_id, `${p}/block_id`, out, { min: 1, max: LIMITS.blockId });
    if (typeof block.block_id === 'string') {
      if (blockIds.has(block.block_id)) {
        problem(out, `${p}/block_id`, `duplicate block_id: ${block.block_id}`);
      }
      blockIds.add(block.block_id);
    }
    if (known) {
      onlyKeys(block, known.keys, p, out);
      known.check(block, p, out, surface);
    }
  }
}

const VIEW_KEYS = [
  'type',
  'title',
  'blocks',
  'close',
  'submit',
  'private_metadata',
  'callback_id',
  'clear_on_close',
  'notify_on_close',
  'external_id',
  'submit_disabled',
];

/** Problems Slack would answer `invalid_arguments` for; empty when the modal is acceptable. */
export function validateView(view: unknown): string[] {
  const out: Out = [];
  const p = '/view';
  if (!isRecord(view)) {
    problem(out, p, 'must provide an object');
    return out;
  }
  onlyKeys(view, VIEW_KEYS, p, out);
  if (view.type !== 'modal') problem(out, `${p}/type`, 'must be modal');
  const buttonText = { max: LIMITS.modalText, plainOnly: true };
  checkText(view.title, `${p}/title`, out, { ...buttonText, required: true });
  checkText(view.submit, `${p}/submit`, out, buttonText);
  checkText(view.close, `${p}/close`, out, buttonText);
  checkString(view.private_metadata, `${p}/private_metadata`, out, {
    max: LIMITS.privateMetadata,
  });
  checkString(view.callback_id, `${p}/callback_id`, out, { max: LIMITS.callbackId });
  checkString(view.external_id, `${p}/external_id`, out, { max: LIMITS.externalId });
  for (const key of ['clear_on_close', 'notify_on_close', 'submit_disabled']) {
    checkBoolean(view[key], `${p}/${key}`, out);
  }
  const blocks = checkArray(view.blocks, `${p}/blocks`, out, {
    min: 0,
    max: LIMITS.modalBlocks,
    required: true,
  });
  checkBlocks(blocks, `${p}/blocks`, out, 'modal');
  const hasInput = records(blocks).some((b) => b.type === 'input');
  if (hasInput && view.submit === undefined) {
    problem(out, `${p}/submit`, 'submit is required when blocks contain an input block');
  }
  return out;
}

export interface MessageContent {
  text?: unknown;
  blocks?: unknown;
}

/** Problems Slack would answer `invalid_blocks` for; empty when the message is acceptable. */
export function validateMessage(message: MessageContent): string[] {
  const out: Out = [];
  if (message.text !== undefined && typeof message.text !== 'string') {
    problem(out, '/text', 'must be a string');
  }
  if (message.blocks === undefined) return out;
  const blocks = checkArray(message.blocks, '/blocks', out, {
    min: 0,
    max: LIMITS.messageBlocks,
  });
  checkBlocks(blocks, '/blocks', out, 'message');
  return out;
}

/** Blocks without a non-blank `text`: notifications and screen readers get nothing. */
export function missingTextFallback(message: MessageContent): boolean {
  const hasBlocks = Array.isArray(message.blocks) && message.blocks.length > 0;
  const hasText = typeof message.text === 'string' && message.text.trim() !== '';
  return hasBlocks && !hasText;
}

const BROADCAST = /<!(?:channel|here|everyone)(?:\|[^>]*)?>|<!subteam\^[A-Z0-9]+(?:\|[^>]*)?>/g;

function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (!isRecord(value)) return [];
  const own = value.type === 'mrkdwn' && typeof value.text === 'string' ? [value.text] : [];
  return [...own, ...Object.values(value).flatMap(mrkdwnTexts)];
}

/**
 * Mentions that would notify a whole channel or group if posted: Slack does not reject
 * them, so a missing escape shows up only here.
 */
export function broadcastMentions(message: MessageContent): string[] {
  const texts = [
    ...(typeof message.text === 'string' ? [message.text] : []),
    ...mrkdwnTexts(message.blocks),
  ];
  return texts.flatMap((text) => text.match(BROADCAST) ?? []);
}
