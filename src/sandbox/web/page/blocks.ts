/**
 * Block Kit → DOM, the way the Slack client shows it, closely enough for the bot's messages
 * and modals. Text only ever goes into text nodes and DOM properties (see mrkdwn.ts).
 *
 * Hooks: every block wrapper has `data-block-id` and `data-block-type`; every input element
 * has `data-block-id`, `data-action-id`, `data-input-type` (the Block Kit element type) and
 * `name` = block_id; each input block has an `.input-error` slot. An external_select in a view
 * is a type-ahead: its `.combobox` wrapper carries those data attributes and the chosen
 * option (`data-value`, `data-label`), and its text box the `name`. A single-line
 * plain_text_input whose input block dispatches on Enter has `data-dispatch-enter="true"`.
 */

import { isSafeUrl, type MrkdwnContext, renderMrkdwn, renderPlainText } from './mrkdwn.js';

export interface ButtonAction {
  actionId: string;
  blockId: string;
  value?: string;
}

/** One entry of `view.state.values[block_id][action_id]`. */
export interface StateValue {
  type?: string;
  value?: string | null;
  selected_option?: { value: string; text?: { text?: string } } | null;
  selected_options?: { value: string; text?: { text?: string } }[];
}

export type StateValues = Record<string, Record<string, StateValue>>;

/** An option as an external_select's options come from the app. */
export interface SelectOption {
  text: { type: 'plain_text'; text: string; emoji?: boolean };
  value: string;
}

export interface SelectRequest {
  blockId: string;
  actionId: string;
}

export interface RenderContext extends MrkdwnContext {
  /** A button was pressed. When it returns a promise, the button stays disabled until it settles. */
  onButton(action: ButtonAction): unknown;
  userName(id: string): string;
  /** Values to show in inputs instead of their initial values (a view's state). */
  stateValues?: StateValues;
  /**
   * The person typed into an external_select: the app's options (Slack's block_suggestion),
   * or null when none could be had. Without it, an external_select shows only its choice.
   */
  onSuggest?(request: SelectRequest & { value: string }): Promise<SelectOption[] | null>;
  /** The person chose an option of an external_select. */
  onSelect?(request: SelectRequest & { option: SelectOption }): unknown;
  /**
   * The person pressed Enter in a plain_text_input whose input block has `dispatch_action`
   * (Slack's block_actions with the typed value). While a returned promise is pending, the
   * input is marked busy. Without it, Enter submits the view as in any other input.
   */
  onEnter?(request: SelectRequest & { value: string }): unknown;
}

export type InputValues = Record<string, string | null | string[]>;

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(obj: Json | undefined, key: string): string | undefined {
  const value = obj?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** A new element with an optional class and text (always as text, never as HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

let uid = 0;
function nextId(prefix: string): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A text object (plain_text or mrkdwn) as nodes; plain_text emoji codes show unless emoji is false. */
export function renderTextObject(value: unknown, ctx: MrkdwnContext): DocumentFragment {
  const obj = asObject(value);
  const text = str(obj, 'text') ?? (typeof value === 'string' ? value : '');
  if (str(obj, 'type') === 'mrkdwn') return renderMrkdwn(text, ctx);
  return renderPlainText(text, obj?.emoji !== false);
}

/** A text object's plain string, for attributes such as placeholder (emoji codes replaced). */
function plainString(value: unknown): string {
  const fragment = renderPlainText(
    str(asObject(value), 'text') ?? '',
    asObject(value)?.emoji !== false,
  );
  return fragment.textContent ?? '';
}

function textBox(value: unknown, ctx: MrkdwnContext, className: string): HTMLElement {
  const box = el(
    'div',
    `${className} ${str(asObject(value), 'type') === 'mrkdwn' ? 'mrkdwn' : 'plain-text'}`,
  );
  box.appendChild(renderTextObject(value, ctx));
  return box;
}

function note(text: string): HTMLElement {
  return el('div', 'block-unsupported', text);
}

// ---------------------------------------------------------------------------------------------
// Elements

interface ElementPlace {
  blockId: string;
  /** Whether the element sits in an input block (its value is part of a submission). */
  inInput: boolean;
  /** An input block with `dispatch_action` whose element sends block_actions on Enter. */
  dispatchEnter?: boolean;
}

function markInput(node: HTMLElement, place: ElementPlace, actionId: string, type: string): void {
  node.dataset.blockId = place.blockId;
  node.dataset.actionId = actionId;
  node.dataset.inputType = type;
}

function stateFor(ctx: RenderContext, blockId: string, actionId: string): StateValue | undefined {
  return ctx.stateValues?.[blockId]?.[actionId];
}

function renderButton(element: Json, place: ElementPlace, ctx: RenderContext): HTMLElement {
  const actionId = str(element, 'action_id') ?? '';
  const value = str(element, 'value');
  const style = str(element, 'style');
  const button = el(
    'button',
    `btn${style === 'primary' || style === 'danger' ? ` btn-${style}` : ''}`,
  );
  button.type = 'button';
  button.dataset.blockId = place.blockId;
  button.dataset.actionId = actionId;
  if (value !== undefined) button.value = value;
  button.appendChild(renderTextObject(element.text, ctx));
  const url = str(element, 'url');
  button.addEventListener('click', () => {
    if (url && isSafeUrl(url)) window.open(url, '_blank', 'noopener,noreferrer');
    const result = ctx.onButton({
      actionId,
      blockId: place.blockId,
      ...(value === undefined ? {} : { value }),
    });
    if (result instanceof Promise) {
      button.disabled = true;
      button.classList.add('busy');
      void result.finally(() => {
        button.disabled = false;
        button.classList.remove('busy');
      });
    }
  });
  return button;
}

function renderTextInput(
  element: Json,
  type: string,
  place: ElementPlace,
  ctx: RenderContext,
): HTMLElement {
  const actionId = str(element, 'action_id') ?? '';
  const multiline = type === 'plain_text_input' && element.multiline === true;
  const input = multiline ? el('textarea', 'text-input') : el('input', 'text-input');
  if (input instanceof HTMLInputElement) input.type = 'text';
  else input.rows = 4;
  input.name = place.blockId;
  input.autocomplete = 'off';
  input.spellcheck = false;
  markInput(input, place, actionId, type);
  if (element.placeholder !== undefined) input.placeholder = plainString(element.placeholder);
  const maxLength = element.max_length;
  if (typeof maxLength === 'number' && maxLength > 0) input.maxLength = maxLength;
  const state = stateFor(ctx, place.blockId, actionId);
  const initial = str(element, 'initial_value');
  input.value =
    state && state.value !== undefined
      ? (state.value ?? '')
      : typeof initial === 'string'
        ? initial
        : '';
  const onEnter = ctx.onEnter;
  if (place.dispatchEnter && onEnter && input instanceof HTMLInputElement) {
    input.dataset.dispatchEnter = 'true';
    input.enterKeyHint = 'send';
    input.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || event.isComposing) return;
      // Slack sends the value to the app instead of submitting the view.
      event.preventDefault();
      if (input.getAttribute('aria-busy') === 'true') return;
      const result = onEnter({ blockId: place.blockId, actionId, value: input.value });
      if (result instanceof Promise) {
        input.setAttribute('aria-busy', 'true');
        input.classList.add('busy');
        void result.finally(() => {
          input.removeAttribute('aria-busy');
          input.classList.remove('busy');
        });
      }
    });
  }
  return input;
}

/** Whether an input block sends block_actions when Enter is pressed in its text input. */
function dispatchesOnEnter(block: Json): boolean {
  const element = asObject(block.element);
  if (block.dispatch_action !== true || str(element, 'type') !== 'plain_text_input') return false;
  if (element?.multiline === true) return false;
  const config = asObject(element?.dispatch_action_config);
  const triggers = config?.trigger_actions_on;
  // Slack's default when there is no dispatch_action_config is on_enter_pressed.
  return !Array.isArray(triggers) || triggers.includes('on_enter_pressed');
}

function optionValue(option: unknown): string | undefined {
  return str(asObject(option), 'value');
}

function renderCheckboxes(
  element: Json,
  type: 'checkboxes' | 'radio_buttons',
  place: ElementPlace,
  ctx: RenderContext,
): HTMLElement {
  const actionId = str(element, 'action_id') ?? '';
  const group = el('div', type === 'checkboxes' ? 'checkbox-group' : 'radio-group');
  group.setAttribute('role', 'group');
  markInput(group, place, actionId, type);
  const state = stateFor(ctx, place.blockId, actionId);
  let selected: Set<string>;
  if (type === 'checkboxes' && state?.selected_options !== undefined) {
    selected = new Set(state.selected_options.map((o) => o.value));
  } else if (type === 'radio_buttons' && state && state.selected_option !== undefined) {
    selected = new Set(state.selected_option ? [state.selected_option.value] : []);
  } else {
    const initial =
      type === 'checkboxes' ? asArray(element.initial_options) : [element.initial_option];
    selected = new Set(initial.map(optionValue).filter((v): v is string => v !== undefined));
  }
  const groupName = type === 'radio_buttons' ? nextId(`radio-${place.blockId}`) : place.blockId;
  for (const option of asArray(element.options)) {
    const obj = asObject(option);
    const value = optionValue(option);
    if (!obj || value === undefined) continue;
    const row = el('label', 'option');
    const box = el('input');
    box.type = type === 'checkboxes' ? 'checkbox' : 'radio';
    box.name = groupName;
    box.value = value;
    box.checked = selected.has(value);
    row.appendChild(box);
    const label = el('span', 'option-text');
    label.appendChild(renderTextObject(obj.text, ctx));
    if (obj.description !== undefined) {
      label.appendChild(textBox(obj.description, ctx, 'option-description'));
    }
    row.appendChild(label);
    group.appendChild(row);
  }
  return group;
}

function addOption(select: HTMLSelectElement, value: string, label: string): HTMLOptionElement {
  const option = el('option', undefined, label);
  option.value = value;
  select.appendChild(option);
  return option;
}

function renderSelect(element: Json, type: string, place: ElementPlace, ctx: RenderContext) {
  const actionId = str(element, 'action_id') ?? '';
  const multi = type.startsWith('multi_');
  const external = type.endsWith('external_select');
  const select = el('select', 'select');
  select.name = place.blockId;
  select.multiple = multi;
  markInput(select, place, actionId, type);
  if (!multi) {
    const placeholder = addOption(
      select,
      '',
      element.placeholder === undefined ? 'Select an option' : plainString(element.placeholder),
    );
    placeholder.className = 'select-placeholder';
  }
  const addOptions = (parent: HTMLSelectElement | HTMLOptGroupElement, options: unknown[]) => {
    for (const option of options) {
      const obj = asObject(option);
      const value = optionValue(option);
      if (!obj || value === undefined) continue;
      const node = el('option', undefined, plainString(obj.text));
      node.value = value;
      parent.appendChild(node);
    }
  };
  if (!external) {
    addOptions(select, asArray(element.options));
    for (const group of asArray(element.option_groups)) {
      const obj = asObject(group);
      const optgroup = el('optgroup');
      optgroup.label = plainString(obj?.label);
      addOptions(optgroup, asArray(obj?.options));
      select.appendChild(optgroup);
    }
  }
  const state = stateFor(ctx, place.blockId, actionId);
  let wanted: { value: string; label: string }[];
  const fromOption = (option: unknown) => {
    const value = optionValue(option);
    const text = asObject(asObject(option)?.text);
    return value === undefined ? [] : [{ value, label: str(text, 'text') ?? value }];
  };
  if (multi && state?.selected_options !== undefined) {
    wanted = state.selected_options.flatMap(fromOption);
  } else if (!multi && state && state.selected_option !== undefined) {
    wanted = fromOption(state.selected_option);
  } else if (multi) {
    wanted = asArray(element.initial_options).flatMap(fromOption);
  } else {
    wanted = fromOption(element.initial_option);
  }
  for (const { value, label } of wanted) {
    let option = [...select.options].find((o) => o.value === value);
    if (!option) option = addOption(select, value, label);
    option.selected = true;
  }
  if (!multi && wanted.length === 0) select.value = '';
  if (!external) return select;
  const wrap = el('div', 'external-select');
  wrap.appendChild(select);
  wrap.appendChild(el('span', 'external-note', '(external options)'));
  return wrap;
}

/** The labels of options the person chose, by action_id and value: the state keeps only values. */
const chosenLabels = new Map<string, string>();

function labelKey(actionId: string, value: string): string {
  return `${actionId}\u0000${value}`;
}

/** What an external_select shows for its chosen value. */
function chosenLabel(element: Json, actionId: string, value: string, stateText?: string): string {
  if (stateText !== undefined && stateText !== '' && stateText !== value) return stateText;
  const initial = asObject(element.initial_option);
  if (optionValue(initial) === value) return plainString(initial?.text);
  return chosenLabels.get(labelKey(actionId, value)) ?? stateText ?? value;
}

const SUGGEST_DELAY_MS = 120;

/**
 * An external_select in a view, as Slack's type-ahead: typing asks the app for options
 * (`ctx.onSuggest`), choosing one tells the app (`ctx.onSelect`). The wrapper is the control:
 * `data-value` holds the chosen option's value, `data-label` its text.
 */
function renderExternalSelect(
  element: Json,
  place: ElementPlace,
  ctx: RenderContext & Required<Pick<RenderContext, 'onSuggest'>>,
): HTMLElement {
  const actionId = str(element, 'action_id') ?? '';
  const minQuery =
    typeof element.min_query_length === 'number' ? Math.max(0, element.min_query_length) : 3;
  const box = el('div', 'combobox');
  markInput(box, place, actionId, 'external_select');
  const input = el('input', 'text-input combobox-input');
  input.type = 'text';
  input.name = place.blockId;
  input.autocomplete = 'off';
  input.spellcheck = false;
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.placeholder =
    element.placeholder === undefined ? 'Select an option' : plainString(element.placeholder);
  const list = el('ul', 'combobox-list');
  list.id = nextId(`options-${place.blockId}`);
  list.setAttribute('role', 'listbox');
  list.hidden = true;
  input.setAttribute('aria-controls', list.id);
  box.appendChild(input);
  box.appendChild(list);

  const setChosen = (chosen: { value: string; label: string } | null) => {
    box.dataset.value = chosen?.value ?? '';
    box.dataset.label = chosen?.label ?? '';
    input.value = chosen?.label ?? '';
  };
  const state = stateFor(ctx, place.blockId, actionId);
  const selected =
    state && state.selected_option !== undefined
      ? state.selected_option
      : (() => {
          const initial = asObject(element.initial_option);
          const value = optionValue(initial);
          return value === undefined ? null : { value, text: { text: plainString(initial?.text) } };
        })();
  setChosen(
    selected
      ? {
          value: selected.value,
          label: chosenLabel(element, actionId, selected.value, selected.text?.text),
        }
      : null,
  );

  let options: SelectOption[] = [];
  let active = -1;
  let asked = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const showNote = (text: string) => {
    options = [];
    active = -1;
    list.replaceChildren(el('li', 'combobox-note', text));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  };
  const highlight = (index: number) => {
    const items = [...list.querySelectorAll<HTMLElement>('.combobox-option')];
    active = items.length === 0 ? -1 : (index + items.length) % items.length;
    items.forEach((item, i) => {
      item.classList.toggle('active', i === active);
      item.setAttribute('aria-selected', String(i === active));
    });
    const current = items[active];
    if (current) {
      input.setAttribute('aria-activedescendant', current.id);
      current.scrollIntoView({ block: 'nearest' });
    }
  };
  const choose = (option: SelectOption) => {
    chosenLabels.set(labelKey(actionId, option.value), option.text.text);
    setChosen({ value: option.value, label: option.text.text });
    close();
    box.dispatchEvent(new Event('change', { bubbles: true }));
    void ctx.onSelect?.({ blockId: place.blockId, actionId, option });
  };
  const show = (found: SelectOption[]) => {
    options = found;
    if (found.length === 0) {
      showNote('No results');
      return;
    }
    list.replaceChildren(
      ...found.map((option) => {
        const item = el('li', 'combobox-option');
        item.id = nextId(`option-${place.blockId}`);
        item.setAttribute('role', 'option');
        item.dataset.value = option.value;
        item.appendChild(renderPlainText(option.text.text, option.text.emoji !== false));
        // mousedown, not click: the input must not lose the focus first.
        item.addEventListener('mousedown', (event) => {
          event.preventDefault();
          choose(option);
        });
        return item;
      }),
    );
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    highlight(0);
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const typed = input.value;
    asked += 1;
    if ([...typed].length < minQuery || typed.trim() === '') {
      if (typed === '') close();
      else showNote(`Type at least ${minQuery} character${minQuery === 1 ? '' : 's'}`);
      return;
    }
    const mine = asked;
    timer = setTimeout(async () => {
      showNote('Searching…');
      const found = await ctx.onSuggest({ blockId: place.blockId, actionId, value: typed });
      // An answer to an earlier text than the one in the box now is of no use.
      if (mine !== asked || document.activeElement !== input) return;
      if (found === null) showNote('Could not load options');
      else show(found);
    }, SUGGEST_DELAY_MS);
  });
  input.addEventListener('keydown', (event) => {
    const open = !list.hidden;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (open) highlight(active + (event.key === 'ArrowDown' ? 1 : -1));
    } else if (event.key === 'Enter') {
      // Enter chooses; in a select it never submits the form.
      event.preventDefault();
      const option = options[active];
      if (open && option) choose(option);
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      event.stopPropagation();
      close();
      input.value = box.dataset.label ?? '';
    }
  });
  input.addEventListener('blur', () => {
    clearTimeout(timer);
    asked += 1;
    close();
    // What was typed is only a search: the select shows its choice again.
    input.value = box.dataset.label ?? '';
  });
  return box;
}

function renderImage(element: Json, className: string): HTMLElement {
  const url = str(element, 'image_url') ?? '';
  const alt = str(element, 'alt_text') ?? '';
  if (!/^https?:\/\//i.test(url) || !isSafeUrl(url))
    return el('span', `${className} image-missing`, alt);
  const img = el('img', className);
  img.src = url;
  img.alt = alt;
  img.referrerPolicy = 'no-referrer';
  img.loading = 'lazy';
  return img;
}

/** Renders one interactive or image element. */
export function renderElement(
  element: unknown,
  place: ElementPlace,
  ctx: RenderContext,
): HTMLElement {
  const obj = asObject(element) ?? {};
  const type = str(obj, 'type') ?? '';
  switch (type) {
    case 'button':
      return renderButton(obj, place, ctx);
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_text_input':
      return renderTextInput(obj, type, place, ctx);
    case 'checkboxes':
    case 'radio_buttons':
      return renderCheckboxes(obj, type, place, ctx);
    case 'external_select':
      if (ctx.onSuggest) {
        return renderExternalSelect(obj, place, { ...ctx, onSuggest: ctx.onSuggest });
      }
      return renderSelect(obj, type, place, ctx);
    case 'static_select':
    case 'multi_static_select':
    case 'multi_external_select':
      return renderSelect(obj, type, place, ctx);
    case 'image':
      return renderImage(obj, 'element-image');
    default:
      return note(`[unsupported element: ${type || 'unknown'}]`);
  }
}

// ---------------------------------------------------------------------------------------------
// Blocks

function renderSection(block: Json, blockId: string, ctx: RenderContext): HTMLElement {
  const wrap = el('div', 'section-body');
  const main = el('div', 'section-main');
  if (block.text !== undefined) main.appendChild(textBox(block.text, ctx, 'section-text'));
  const fields = asArray(block.fields);
  if (fields.length > 0) {
    const grid = el('div', 'section-fields');
    for (const field of fields) grid.appendChild(textBox(field, ctx, 'section-field'));
    main.appendChild(grid);
  }
  wrap.appendChild(main);
  if (block.accessory !== undefined) {
    const accessory = el('div', 'section-accessory');
    const element = asObject(block.accessory);
    accessory.appendChild(
      str(element, 'type') === 'image'
        ? renderImage(element ?? {}, 'accessory-image')
        : renderElement(block.accessory, { blockId, inInput: false }, ctx),
    );
    wrap.appendChild(accessory);
  }
  return wrap;
}

function renderContext(block: Json, ctx: RenderContext): HTMLElement {
  const row = el('div', 'context-body');
  for (const element of asArray(block.elements)) {
    const obj = asObject(element);
    if (str(obj, 'type') === 'image') row.appendChild(renderImage(obj ?? {}, 'context-image'));
    else row.appendChild(textBox(element, ctx, 'context-text'));
  }
  return row;
}

function renderActions(block: Json, blockId: string, ctx: RenderContext): HTMLElement {
  const row = el('div', 'actions-body');
  for (const element of asArray(block.elements)) {
    row.appendChild(renderElement(element, { blockId, inInput: false }, ctx));
  }
  return row;
}

function renderInputBlock(block: Json, wrapper: HTMLElement, blockId: string, ctx: RenderContext) {
  const optional = block.optional === true;
  wrapper.dataset.optional = String(optional);
  const element = renderElement(
    block.element,
    { blockId, inInput: true, dispatchEnter: dispatchesOnEnter(block) },
    ctx,
  );
  const control = element.matches('[data-input-type]')
    ? element
    : element.querySelector<HTMLElement>('[data-input-type]');
  const label = el('label', 'input-label');
  label.appendChild(renderTextObject(block.label, ctx));
  if (optional) label.appendChild(el('span', 'input-optional', ' (optional)'));
  const labelled = control?.matches('input, select, textarea')
    ? control
    : control?.querySelector<HTMLElement>('input.combobox-input');
  if (labelled) {
    labelled.id = nextId(`input-${blockId}`);
    label.htmlFor = labelled.id;
  }
  wrapper.appendChild(label);
  wrapper.appendChild(element);
  const error = el('div', 'input-error');
  error.hidden = true;
  error.setAttribute('role', 'alert');
  wrapper.appendChild(error);
  if (block.hint !== undefined) wrapper.appendChild(textBox(block.hint, ctx, 'input-hint'));
}

function renderBlock(block: unknown, index: number, ctx: RenderContext): HTMLElement {
  const obj = asObject(block) ?? {};
  const type = str(obj, 'type') ?? 'unknown';
  const blockId = str(obj, 'block_id') ?? `block_${index}`;
  const wrapper = el('div', `block block-${type.replace(/[^a-z_]/g, '')}`);
  wrapper.dataset.blockId = blockId;
  wrapper.dataset.blockType = type;
  switch (type) {
    case 'header': {
      const heading = el('h3', 'header-text');
      heading.appendChild(renderTextObject(obj.text, ctx));
      wrapper.appendChild(heading);
      break;
    }
    case 'section':
      wrapper.appendChild(renderSection(obj, blockId, ctx));
      break;
    case 'context':
      wrapper.appendChild(renderContext(obj, ctx));
      break;
    case 'divider':
      wrapper.appendChild(el('hr', 'divider'));
      break;
    case 'actions':
      wrapper.appendChild(renderActions(obj, blockId, ctx));
      break;
    case 'input':
      renderInputBlock(obj, wrapper, blockId, ctx);
      break;
    case 'image': {
      if (obj.title !== undefined) wrapper.appendChild(textBox(obj.title, ctx, 'image-title'));
      wrapper.appendChild(renderImage(obj, 'block-image-img'));
      break;
    }
    default:
      wrapper.appendChild(note(`[unsupported block: ${type}]`));
  }
  return wrapper;
}

/** Renders a list of Block Kit blocks into a new `div.blocks`. */
export function renderBlocks(blocks: unknown[], ctx: RenderContext): HTMLElement {
  const container = el('div', 'blocks');
  blocks.forEach((block, index) => {
    container.appendChild(renderBlock(block, index, ctx));
  });
  return container;
}

// ---------------------------------------------------------------------------------------------
// Reading and marking inputs

function controls(container: HTMLElement): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>('[data-input-type]')];
}

function checkedValues(group: HTMLElement): string[] {
  return [...group.querySelectorAll<HTMLInputElement>('input')]
    .filter((input) => input.checked)
    .map((input) => input.value);
}

/** One control's value as a submission carries it. */
function controlValue(control: HTMLElement): string | null | string[] {
  const type = control.dataset.inputType;
  if (control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement) {
    return control.value === '' ? null : control.value;
  }
  if (control instanceof HTMLSelectElement) {
    if (control.multiple) return [...control.selectedOptions].map((o) => o.value);
    return control.value === '' ? null : control.value;
  }
  if (type === 'external_select' && control.classList.contains('combobox')) {
    return control.dataset.value ? control.dataset.value : null;
  }
  if (type === 'checkboxes') return checkedValues(control);
  return checkedValues(control)[0] ?? null;
}

/**
 * The values of the inputs under `container`, keyed by block_id: text → string or null when
 * empty; checkboxes and multi-selects → the selected values; selects and radios → value or null.
 */
export function readInputs(container: HTMLElement): InputValues {
  const values: InputValues = {};
  for (const control of controls(container)) {
    const blockId = control.dataset.blockId;
    if (blockId === undefined) continue;
    values[blockId] = controlValue(control);
  }
  return values;
}

/** The inputs' values in the shape of `view.state.values`, optionally only some controls. */
export function readStateValues(
  container: HTMLElement,
  include: (control: HTMLElement) => boolean = () => true,
): StateValues {
  const result: StateValues = {};
  for (const control of controls(container)) {
    const { blockId, actionId, inputType } = control.dataset;
    if (blockId === undefined || actionId === undefined || !include(control)) continue;
    const value = controlValue(control);
    const type = inputType ?? '';
    let entry: StateValue;
    if (Array.isArray(value)) {
      entry = { type, selected_options: value.map((v) => ({ value: v })) };
    } else if (type.endsWith('select') || type === 'radio_buttons') {
      const label = control.dataset.label;
      entry = {
        type,
        selected_option:
          value === null ? null : { value, ...(label ? { text: { text: label } } : {}) },
      };
    } else {
      entry = { type, value };
    }
    result[blockId] = { ...result[blockId], [actionId]: entry };
  }
  return result;
}

/**
 * Shows errors under the input blocks whose block_id they are keyed by, and clears the others.
 * Returns the keys that matched no input block.
 */
export function setInputErrors(
  container: HTMLElement,
  errors: Record<string, string> | null,
): string[] {
  const wanted = new Map(Object.entries(errors ?? {}));
  for (const wrapper of container.querySelectorAll<HTMLElement>('.block-input[data-block-id]')) {
    const slot = wrapper.querySelector<HTMLElement>(':scope > .input-error');
    if (!slot) continue;
    const blockId = wrapper.dataset.blockId ?? '';
    const message = wanted.get(blockId);
    wanted.delete(blockId);
    slot.textContent = message ?? '';
    slot.hidden = message === undefined;
    wrapper.classList.toggle('has-error', message !== undefined);
  }
  return [...wanted.keys()];
}
