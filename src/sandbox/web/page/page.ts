/**
 * The sandbox's Slack client: one channel view, the modal, and the side panel with the
 * emulated Stuut's contacts and the bot's contact book. It waits on the page server's
 * `/api/state` for each change (a long poll) and re-renders what changed; every action is a
 * JSON POST to the page server, which talks to the bot the way Slack would. A contact chosen
 * in the side panel shows its history from the book (`/api/history`), asked again with every
 * new state. The side panel's members list edits a Slack member's profile
 * (`/api/member/profile`), which sends the bot a `user_change` event.
 */

import {
  type ButtonAction,
  el,
  type RenderContext,
  readInputs,
  readStateValues,
  renderBlocks,
  type SelectOption,
  type SelectRequest,
  type StateValues,
  setInputErrors,
} from './blocks.js';
import { renderMrkdwn } from './mrkdwn.js';
import type {
  ChangeSource,
  ContactField,
  PageAssignment,
  PageBookAssignment,
  PageBookEntry,
  PageChange,
  PageHistory,
  PageMember,
  PagePartner,
} from './state.js';

interface PageMessage {
  kind: 'channel' | 'ephemeral' | 'response_url' | 'dm';
  channel: string;
  user?: string;
  ts: string;
  text: string;
  blocks: unknown[];
  at: number;
  responseType?: 'ephemeral' | 'in_channel';
  deleted?: boolean;
}

interface PageModal {
  id: string;
  hash: string;
  title: { text: string };
  submit: { text: string } | null;
  close: { text: string } | null;
  blocks: unknown[];
  state: { values: StateValues };
  errors: Record<string, string> | null;
}

interface PageContact {
  id: string;
  email: string;
  given_name: string | null;
  family_name: string | null;
  name: string | null;
  phone: string | null;
  job_title: string | null;
  modified_at: string | null;
}

interface PageBookRow {
  id: string;
  status: 'same' | 'differs' | 'missing' | 'book_only';
  entry: PageBookEntry | null;
  differs: Partial<Record<ContactField, string | null>>;
}

interface PageBook {
  engine: string;
  rows: PageBookRow[];
  error: string | null;
  /** The book's assignments of the rows' contacts (absent from an older server). */
  assignments?: PageBookAssignment[];
  assignmentsError?: string | null;
}

interface PageState {
  /** Changes when the server restarts; versions count from there. */
  instance: string;
  version: number;
  user: { id: string; name: string };
  channel: { id: string; name: string };
  messages: PageMessage[];
  modal: PageModal | null;
  warnings: string[];
  contacts: PageContact[];
  /** Stuut's assignments, oldest first. */
  assignments: PageAssignment[];
  /** Stuut's partners (customers), with their ids for /contact assign. */
  partners: PagePartner[];
  /** The bot's contact book; null when the page server was given none. */
  book: PageBook | null;
  /** The Slack workspace's members, bots and deactivated ones too (absent from an older server). */
  members?: PageMember[];
  pendingFaults: string[];
  users: Record<string, string>;
}

interface ApiAnswer {
  ok: boolean;
  error?: string;
  ackMs?: number;
  /** With error 'client_validation': what the Slack client would show under the inputs. */
  errors?: Record<string, string>;
  /** From /api/options: what the app offered. */
  options?: unknown;
  /** From /api/member/profile: whether the profile changed (else Slack sends no event). */
  changed?: boolean;
  /** From /api/member/profile: whether the app acknowledged the user_change event. */
  acknowledged?: boolean;
  /** From /api/member/profile: the app's HTTP status for the event. */
  status?: number;
  timedOut?: boolean;
}

/** After a failed wait for the next state, the page tries again after this long. */
const RETRY_MS = 1_000;
/** How many changes the side panel's history shows at first, and adds with "Show older". */
const HISTORY_STEP = 20;
const HISTORY_MAX = 200;
const APP_NAME = 'Stuut contacts';
const FAULT_LABELS: Readonly<Record<string, string>> = {
  slow: 'Slow (5 s)',
  '429': '429',
  '500': '500',
  '503': '503',
  '422': '422 (phone)',
  reset: 'Reset connection',
};

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page has no #${id}`);
  return node as T;
}

// ---------------------------------------------------------------------------------------------
// Server access

async function post(path: string, body: unknown): Promise<ApiAnswer> {
  try {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer: unknown = await response.json().catch(() => null);
    if (answer && typeof answer === 'object' && typeof (answer as ApiAnswer).ok === 'boolean') {
      return answer as ApiAnswer;
    }
    return { ok: false, error: `unexpected answer (HTTP ${response.status})` };
  } catch (error) {
    setConnected(false);
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

async function fetchState(since?: {
  version: number;
  instance: string;
}): Promise<PageState | null> {
  try {
    const query =
      since === undefined
        ? ''
        : `?since=${since.version}&instance=${encodeURIComponent(since.instance)}`;
    const response = await fetch(`/api/state${query}`, { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const state = (await response.json()) as PageState;
    if (typeof state?.version !== 'number') throw new Error('not a state');
    setConnected(true);
    return state;
  } catch {
    setConnected(false);
    return null;
  }
}

function setConnected(connected: boolean): void {
  const banner = document.getElementById('connection');
  if (banner) banner.hidden = connected;
}

let current: PageState | null = null;
let renderedVersion: number | null = null;
let renderedInstance: string | null = null;
let chain: Promise<void> = Promise.resolve();
let queued: Promise<void> | null = null;

/** Renders a state unless one as new or newer is already shown (answers can cross). */
function apply(state: PageState): void {
  const newer =
    state.instance !== renderedInstance ||
    renderedVersion === null ||
    state.version > renderedVersion;
  if (!newer) return;
  renderedInstance = state.instance;
  renderedVersion = state.version;
  current = state;
  try {
    render(state);
  } catch (error) {
    console.error('sandbox page: render failed', error);
  }
  // A change of the book may be a change of the chosen contact's history.
  void refreshHistory();
}

/** Fetches the state once more (after any fetch in progress) and renders it if it changed. */
function poll(): Promise<void> {
  if (queued) return queued;
  const next = chain
    .then(async () => {
      queued = null;
      const state = await fetchState();
      if (state) apply(state);
    })
    .catch((error: unknown) => {
      console.error('sandbox page: state fetch failed', error);
    });
  queued = next;
  chain = next;
  return next;
}

/** Waits for each change on the server (a long poll) and renders it at once. */
async function watch(): Promise<void> {
  for (;;) {
    const since =
      renderedVersion === null || renderedInstance === null
        ? undefined
        : { version: renderedVersion, instance: renderedInstance };
    const state = await fetchState(since);
    if (state) apply(state);
    else await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering

function userName(id: string): string {
  return current?.users[id] ?? (current?.user.id === id ? current.user.name : id);
}

function channelName(id: string): string | undefined {
  return current?.channel.id === id ? current.channel.name : undefined;
}

function render(state: PageState): void {
  byId('channel-name').textContent = `#${state.channel.name}`;
  document.title = `#${state.channel.name} · Sandbox`;
  renderMessages(state);
  renderModal(state.modal);
  renderContacts(state.contacts, state.book, state.assignments ?? []);
  renderPartners(state.partners ?? []);
  renderMembers(state.members ?? []);
  renderFaults(state.pendingFaults);
  renderWarnings(state.warnings);
}

// Messages --------------------------------------------------------------------------------------

const renderedMessages = new Map<string, { signature: string; node: HTMLElement }>();

function messageTime(message: PageMessage): Date {
  if (Number.isFinite(message.at) && message.at > 0) {
    return new Date(message.at > 1e11 ? message.at : message.at * 1000);
  }
  return new Date(Number.parseFloat(message.ts) * 1000);
}

function isVisible(message: PageMessage, state: PageState): boolean {
  if (message.deleted) return false;
  // An ephemeral message is seen only by the person it was posted for.
  return !(message.kind === 'ephemeral' && message.user && message.user !== state.user.id);
}

function onlyVisibleToYou(message: PageMessage): boolean {
  return (
    message.kind === 'ephemeral' ||
    (message.kind === 'response_url' && message.responseType !== 'in_channel')
  );
}

function renderMessage(message: PageMessage, state: PageState): HTMLElement {
  const node = el('div', 'message');
  node.dataset.kind = message.kind;
  node.dataset.ts = message.ts;
  if (onlyVisibleToYou(message)) node.classList.add('message-private');

  const avatar = el('div', 'avatar', 'SC');
  avatar.setAttribute('aria-hidden', 'true');
  node.appendChild(avatar);

  const body = el('div', 'message-body');
  if (onlyVisibleToYou(message)) body.appendChild(el('div', 'only-you', 'Only visible to you'));
  if (message.kind === 'dm') body.appendChild(el('div', 'only-you', 'Direct message'));
  else if (message.channel !== state.channel.id && message.kind === 'channel') {
    body.appendChild(el('div', 'only-you', `Posted in another conversation (${message.channel})`));
  }

  const meta = el('div', 'message-meta');
  meta.appendChild(el('span', 'author', APP_NAME));
  meta.appendChild(el('span', 'app-tag', 'APP'));
  const when = messageTime(message);
  const time = el(
    'time',
    'message-time',
    new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }).format(when),
  );
  time.dateTime = when.toISOString();
  time.title = when.toLocaleString();
  meta.appendChild(time);
  body.appendChild(meta);

  const ctx: RenderContext = {
    userName,
    channelName,
    onButton: (action) => click(action, { messageTs: message.ts }),
  };
  const content = el('div', 'message-content');
  if (Array.isArray(message.blocks) && message.blocks.length > 0) {
    content.appendChild(renderBlocks(message.blocks, ctx));
  } else {
    const text = el('div', 'mrkdwn message-text');
    text.appendChild(renderMrkdwn(message.text ?? '', ctx));
    content.appendChild(text);
  }
  body.appendChild(content);
  node.appendChild(body);
  return node;
}

function renderMessages(state: PageState): void {
  const list = byId('messages');
  const visible = state.messages
    .filter((message) => isVisible(message, state))
    .map((message, index) => ({ message, index }))
    .sort(
      (a, b) =>
        messageTime(a.message).getTime() - messageTime(b.message).getTime() || a.index - b.index,
    )
    .map(({ message }) => message);
  const usersSignature = JSON.stringify([state.users, state.channel, state.user.id]);
  const seen = new Set<string>();
  const nodes: HTMLElement[] = [];
  let added = false;
  for (const message of visible) {
    let key = `${message.kind}|${message.channel}|${message.ts}`;
    for (let n = 2; seen.has(key); n += 1)
      key = `${message.kind}|${message.channel}|${message.ts}#${n}`;
    seen.add(key);
    const signature = JSON.stringify([message, usersSignature]);
    const known = renderedMessages.get(key);
    if (known && known.signature === signature) {
      nodes.push(known.node);
      continue;
    }
    if (!known) added = true;
    const node = renderMessage(message, state);
    // Edited in place (chat.update, or replace_original through a response_url).
    if (known) node.classList.add('changed');
    renderedMessages.set(key, { signature, node });
    nodes.push(node);
  }
  for (const key of [...renderedMessages.keys()]) {
    if (!seen.has(key)) renderedMessages.delete(key);
  }
  if (nodes.length === 0) {
    const empty = el('div', 'empty-state');
    empty.appendChild(el('p', undefined, 'No messages yet.'));
    empty.appendChild(
      el(
        'p',
        undefined,
        'Type /contact help below, or /contact update followed by a contact id from the panel on the right.',
      ),
    );
    list.replaceChildren(empty);
    return;
  }
  list.replaceChildren(...nodes);
  if (added) list.scrollTop = list.scrollHeight;
}

// Modal ---------------------------------------------------------------------------------------

interface ModalDom {
  id: string;
  hash: string;
  overlay: HTMLElement;
  body: HTMLElement;
  status: HTMLElement;
  submit: HTMLButtonElement | null;
  submitText: string;
  close: HTMLButtonElement;
}

let modalDom: ModalDom | null = null;
/** The view whose submission is in flight. */
let submittingView: string | null = null;
/** Errors from the last submit's answer (Slack's own client checks), keyed by block_id. */
let localErrors: Record<string, string> = {};
let serverErrors: Record<string, string> | null = null;

function showModalStatus(message: string | null): void {
  if (!modalDom) return;
  modalDom.status.textContent = message ?? '';
  modalDom.status.hidden = message === null;
}

function applyModalErrors(): void {
  if (!modalDom) return;
  const merged = { ...(serverErrors ?? {}), ...localErrors };
  const unmatched = setInputErrors(modalDom.body, merged);
  if (unmatched.length > 0) {
    showModalStatus(unmatched.map((key) => `${key}: ${merged[key] ?? ''}`).join('\n'));
  }
}

function updateSubmitButton(): void {
  if (!modalDom?.submit) return;
  const busy = submittingView === modalDom.id;
  modalDom.submit.disabled = busy;
  modalDom.submit.textContent = busy ? 'Saving…' : modalDom.submitText;
  modalDom.submit.classList.toggle('busy', busy);
}

/** Which control has the focus, to give it back after the view re-renders. */
function focusedControl(): { blockId: string; actionId: string; start: number | null } | null {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !modalDom?.body.contains(active)) return null;
  const control = active.closest<HTMLElement>('[data-input-type]');
  const { blockId, actionId } = control?.dataset ?? {};
  if (blockId === undefined || actionId === undefined) return null;
  const start =
    active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement
      ? active.selectionStart
      : null;
  return { blockId, actionId, start };
}

function restoreFocus(focus: ReturnType<typeof focusedControl>, body: HTMLElement): void {
  if (!focus) return;
  for (const control of body.querySelectorAll<HTMLElement>('[data-input-type]')) {
    if (control.dataset.blockId !== focus.blockId || control.dataset.actionId !== focus.actionId) {
      continue;
    }
    const target = control.matches('input, textarea, select')
      ? control
      : control.querySelector<HTMLElement>('input');
    target?.focus();
    if (
      focus.start !== null &&
      (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement)
    ) {
      target.setSelectionRange(focus.start, focus.start);
    }
    return;
  }
}

function buildModal(modal: PageModal, stateValues: StateValues): ModalDom {
  const overlay = el('div', 'modal-overlay');
  const dialog = el('div', 'modal');
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  dialog.dataset.viewId = modal.id;
  dialog.dataset.viewHash = modal.hash;

  const header = el('div', 'modal-header');
  const title = el('h2', 'modal-title', modal.title.text);
  title.id = 'modal-title';
  dialog.setAttribute('aria-labelledby', title.id);
  header.appendChild(title);
  const x = el('button', 'modal-x', '×');
  x.type = 'button';
  x.setAttribute('aria-label', 'Close');
  x.addEventListener('click', () => void closeModal());
  header.appendChild(x);
  dialog.appendChild(header);

  const viewId = modal.id;
  const ctx: RenderContext = {
    userName,
    channelName,
    stateValues,
    onButton: (action) => click(action, { viewId }),
    onSuggest: (request) => suggest(viewId, request),
    onSelect: (request) => select(viewId, request),
    onEnter: (request) => pressEnter(viewId, request),
  };
  const body = el('div', 'modal-body');
  body.appendChild(renderBlocks(Array.isArray(modal.blocks) ? modal.blocks : [], ctx));
  const markDirty = (event: Event) => {
    const control = (event.target as HTMLElement | null)?.closest<HTMLElement>('[data-input-type]');
    if (!control) return;
    control.dataset.dirty = 'true';
    const blockId = control.dataset.blockId;
    if (blockId !== undefined && blockId in localErrors) {
      delete localErrors[blockId];
      applyModalErrors();
    }
  };
  body.addEventListener('input', markDirty);
  body.addEventListener('change', markDirty);
  dialog.appendChild(body);

  const status = el('div', 'modal-status');
  status.hidden = true;
  status.setAttribute('role', 'alert');
  dialog.appendChild(status);

  const footer = el('div', 'modal-footer');
  const close = el('button', 'btn modal-close', modal.close?.text ?? 'Cancel');
  close.type = 'button';
  close.addEventListener('click', () => void closeModal());
  footer.appendChild(close);
  let submit: HTMLButtonElement | null = null;
  if (modal.submit) {
    submit = el('button', 'btn btn-primary modal-submit', modal.submit.text);
    submit.type = 'submit';
    footer.appendChild(submit);
  }
  dialog.appendChild(footer);

  // A form, so Enter in a single-line input submits the modal, as in Slack.
  const form = el('form', 'modal-form');
  form.noValidate = true;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submitModal();
  });
  form.appendChild(dialog);
  overlay.appendChild(form);
  return {
    id: modal.id,
    hash: modal.hash,
    overlay,
    body,
    status,
    submit,
    submitText: modal.submit?.text ?? '',
    close,
  };
}

function renderModal(modal: PageModal | null): void {
  serverErrors = modal?.errors ?? null;
  if (!modal) {
    modalDom?.overlay.remove();
    modalDom = null;
    localErrors = {};
    return;
  }
  if (modalDom && modalDom.id === modal.id && modalDom.hash === modal.hash) {
    // Same view: keep what the person typed; only the errors can have changed.
    applyModalErrors();
    return;
  }
  // Values: what the person typed in this view (views.update keeps it where block_id and
  // action_id stay, as Slack does), else the view's state.values, else the initial values.
  const isNew = !modalDom || modalDom.id !== modal.id;
  let stateValues: StateValues = { ...(modal.state?.values ?? {}) };
  let typed: StateValues = {};
  let focus: ReturnType<typeof focusedControl> = null;
  if (modalDom && !isNew) {
    typed = readStateValues(modalDom.body, (control) => control.dataset.dirty === 'true');
    for (const [blockId, actions] of Object.entries(typed)) {
      stateValues = { ...stateValues, [blockId]: { ...stateValues[blockId], ...actions } };
    }
    focus = focusedControl();
  } else {
    localErrors = {};
  }
  const previous = modalDom;
  modalDom = buildModal(modal, stateValues);
  if (previous) previous.overlay.replaceWith(modalDom.overlay);
  else byId('modal-root').appendChild(modalDom.overlay);
  for (const control of modalDom.body.querySelectorAll<HTMLElement>('[data-input-type]')) {
    const { blockId, actionId } = control.dataset;
    if (blockId !== undefined && actionId !== undefined && typed[blockId]?.[actionId]) {
      control.dataset.dirty = 'true';
    }
  }
  applyModalErrors();
  updateSubmitButton();
  if (isNew) {
    modalDom.body.querySelector<HTMLElement>('input, textarea, select')?.focus();
  } else {
    restoreFocus(focus, modalDom.body);
  }
}

async function submitModal(): Promise<void> {
  const dom = modalDom;
  if (!dom?.submit || submittingView !== null) return;
  showModalStatus(null);
  localErrors = {};
  applyModalErrors();
  const viewId = dom.id;
  const values = readInputs(dom.body);
  submittingView = viewId;
  updateSubmitButton();
  try {
    const answer = await post('/api/modal/submit', { viewId, values });
    if (answer.errors && typeof answer.errors === 'object') {
      // The Slack client refused to send it (an empty required input, a bad length).
      localErrors = { ...answer.errors };
      applyModalErrors();
    } else if (!answer.ok) {
      showModalStatus(
        answer.error
          ? `We had some trouble connecting (${answer.error}). Try again?`
          : 'We had some trouble connecting. Try again?',
      );
    }
    await poll();
  } finally {
    submittingView = null;
    updateSubmitButton();
  }
}

async function closeModal(): Promise<void> {
  const dom = modalDom;
  if (!dom) return;
  dom.close.disabled = true;
  const answer = await post('/api/modal/close', { viewId: dom.id });
  if (!answer.ok) showModalStatus(`Could not close: ${answer.error ?? 'unknown error'}`);
  await poll();
  dom.close.disabled = false;
}

// Buttons -------------------------------------------------------------------------------------

async function click(
  action: ButtonAction,
  where: { messageTs?: string; viewId?: string },
): Promise<void> {
  const answer = await post('/api/click', {
    actionId: action.actionId,
    blockId: action.blockId,
    value: action.value,
    ...where,
  });
  if (!answer.ok) {
    const message = `That button didn't work: ${answer.error ?? 'unknown error'}`;
    if (where.viewId && modalDom?.id === where.viewId) showModalStatus(message);
    else showHint(message);
  }
  await poll();
}

// Selects with options from the app ----------------------------------------------------------

function isOption(value: unknown): value is SelectOption {
  if (!value || typeof value !== 'object') return false;
  const { text, value: optionValue } = value as { text?: unknown; value?: unknown };
  return (
    typeof optionValue === 'string' &&
    !!text &&
    typeof text === 'object' &&
    typeof (text as { text?: unknown }).text === 'string'
  );
}

/** What the app offers for the typed text (Slack's block_suggestion). */
async function suggest(
  viewId: string,
  request: SelectRequest & { value: string },
): Promise<SelectOption[] | null> {
  const answer = await post('/api/options', {
    viewId,
    actionId: request.actionId,
    value: request.value,
  });
  if (!answer.ok || !Array.isArray(answer.options)) return null;
  return answer.options.filter(isOption);
}

/** The person chose an option: the app hears of it when the input dispatches actions. */
async function select(
  viewId: string,
  request: SelectRequest & { option: SelectOption },
): Promise<void> {
  const answer = await post('/api/select', {
    viewId,
    actionId: request.actionId,
    option: request.option,
  });
  if (!answer.ok && modalDom?.id === viewId) {
    showModalStatus(`That choice didn't reach the app: ${answer.error ?? 'unknown error'}`);
  }
  await poll();
}

/** Enter in a text input whose block dispatches: the app hears the typed value at once. */
async function pressEnter(
  viewId: string,
  request: SelectRequest & { value: string },
): Promise<void> {
  const answer = await post('/api/enter', {
    viewId,
    blockId: request.blockId,
    value: request.value,
  });
  if (!answer.ok && modalDom?.id === viewId) {
    showModalStatus(`That didn't reach the app: ${answer.error ?? 'unknown error'}`);
  }
  await poll();
}

// Side panel ----------------------------------------------------------------------------------
//
// One table: each contact as Stuut stores it, and right under it what the bot's contact book
// remembers of it, so the two can be compared row against row.

const NAME_FIELDS = ['given_name', 'family_name', 'name'] as const;
/** The columns after the first (id, or the book's label). */
const VALUE_COLUMNS = ['email', 'names', 'phone', 'job_title'] as const;
/** Where the row's values are (Stuut or the book), the values, and when. */
const COLUMN_COUNT = VALUE_COLUMNS.length + 2;
const BOOK_STATUS: Readonly<Record<PageBookRow['status'], string>> = {
  same: 'book: same as Stuut',
  differs: 'book: differs from Stuut',
  missing: 'not in the book',
  book_only: 'in the book only, not in Stuut',
};
let contactSignatures = new Map<string, string>();

function shownValue(value: string | null | undefined): string {
  return value === null || value === undefined ? 'null' : value === '' ? '""' : value;
}

function appendValue(parent: HTMLElement, value: string | null): void {
  if (value === null) parent.appendChild(el('span', 'null', 'null'));
  else if (value === '') parent.appendChild(el('span', 'null', '""'));
  else parent.appendChild(document.createTextNode(value));
}

function valueCell(field: string, value: string | null): HTMLTableCellElement {
  const cell = el('td');
  cell.dataset.field = field;
  appendValue(cell, value);
  return cell;
}

/** A book value; where Stuut has another, it is marked and Stuut's value shows under it. */
function markDiffers(node: HTMLElement, row: PageBookRow, field: ContactField): void {
  if (!(field in row.differs)) return;
  node.classList.add('differs');
  node.appendChild(el('div', 'stuut-value', `Stuut: ${shownValue(row.differs[field])}`));
}

function namesCell(
  values: Partial<Record<ContactField, string | null>>,
  row?: PageBookRow,
): HTMLTableCellElement {
  const cell = el('td');
  cell.dataset.field = 'names';
  for (const field of NAME_FIELDS) {
    const line = el('div', 'name-line');
    line.dataset.field = field;
    line.appendChild(el('span', 'field-key', `${field} `));
    appendValue(line, values[field] ?? null);
    if (row) markDiffers(line, row, field);
    cell.appendChild(line);
  }
  return cell;
}

function whenText(iso: string): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' }).format(
    when,
  );
}

/**
 * The first row of a contact's group: its id, how the book compares with Stuut, and the
 * button that shows its history (a click anywhere on the group does too).
 */
function groupHead(id: string, status: PageBookRow['status'] | null): HTMLTableRowElement {
  const row = el('tr', 'group-head');
  const cell = el('td');
  cell.colSpan = COLUMN_COUNT;
  const idText = el('span', 'mono', id);
  idText.dataset.field = 'id';
  cell.appendChild(idText);
  if (status !== null) {
    const badge = el('span', `book-status book-status-${status}`, BOOK_STATUS[status]);
    badge.dataset.field = 'status';
    cell.appendChild(badge);
  }
  const show = el('button', 'history-button', 'History');
  show.type = 'button';
  show.dataset.contactId = id;
  show.setAttribute('aria-controls', 'history');
  show.addEventListener('click', (event) => {
    event.stopPropagation();
    selectContact(id);
    byId('history').scrollIntoView({ block: 'nearest' });
  });
  cell.appendChild(show);
  row.appendChild(cell);
  return row;
}

function stuutRow(contact: PageContact): HTMLTableRowElement {
  const row = el('tr', 'stuut-row');
  row.dataset.contactId = contact.id;
  const label = el('td', 'row-label', 'Stuut');
  label.dataset.field = 'where';
  row.appendChild(label);
  for (const column of VALUE_COLUMNS) {
    row.appendChild(column === 'names' ? namesCell(contact) : valueCell(column, contact[column]));
  }
  row.appendChild(valueCell('modified_at', contact.modified_at));
  return row;
}

function bookRow(row: PageBookRow): HTMLTableRowElement {
  const tr = el('tr', `book-row book-${row.status.replace('_', '-')}`);
  tr.dataset.bookId = row.id;
  tr.dataset.status = row.status;
  const entry = row.entry;
  const label = el('td', 'row-label', 'Book');
  label.dataset.field = 'where';
  if (entry) {
    const version = el('div', 'book-version', `v${entry.version}`);
    version.dataset.field = 'version';
    version.title = 'The book’s version of this contact: it goes up with every change.';
    label.appendChild(version);
  }
  tr.appendChild(label);
  if (!entry) {
    const cell = el(
      'td',
      'book-absent',
      'Not in the book: the bot has not seen this contact, so it cannot be found by name.',
    );
    cell.colSpan = COLUMN_COUNT - 1;
    tr.appendChild(cell);
    return tr;
  }
  for (const column of VALUE_COLUMNS) {
    if (column === 'names') {
      tr.appendChild(namesCell(entry.values, row));
      continue;
    }
    const cell = valueCell(column, entry.values[column]);
    markDiffers(cell, row, column);
    tr.appendChild(cell);
  }
  const source = el('td');
  source.dataset.field = 'source';
  source.appendChild(
    el('div', 'book-source', entry.knownFrom === 'import' ? 'imported' : 'from Stuut'),
  );
  const seen = el('time', 'book-seen', whenText(entry.seenAt));
  seen.dateTime = entry.seenAt;
  seen.title =
    `${entry.knownFrom === 'import' ? 'imported' : 'seen in a Stuut answer'} ${entry.seenAt}` +
    (entry.modifiedAt ? `; Stuut's modified_at then: ${entry.modifiedAt}` : '');
  source.appendChild(seen);
  tr.appendChild(source);
  return tr;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** "CSM on Contoso Freight ptn_8fK2mQ1x", or "Practice lead, no partner (floating)". */
function assignmentLine(assignment: PageAssignment): HTMLElement {
  const line = el('span', 'assignment-main');
  const role = el('span', 'assignment-role', assignment.roleLabel);
  role.dataset.field = 'role';
  role.title = assignment.role;
  line.appendChild(role);
  if (assignment.partnerId === null) {
    const floating = el('span', 'assignment-floating', ', no partner (floating)');
    floating.title = 'A floating assignment, as /contact add makes: its role cannot be changed.';
    line.appendChild(floating);
  } else {
    line.appendChild(document.createTextNode(' on '));
    const partner = el('span', 'assignment-partner', assignment.partnerName ?? 'unknown partner');
    partner.dataset.field = 'partner';
    line.appendChild(partner);
    line.appendChild(document.createTextNode(' '));
    const id = el('code', 'partner-id mono', assignment.partnerId);
    id.dataset.field = 'partner-id';
    line.appendChild(id);
  }
  const meta = el('span', 'assignment-id mono', assignment.id);
  meta.dataset.field = 'assignment-id';
  meta.title =
    `created_at ${assignment.createdAt}; modified_at ${assignment.modifiedAt ?? 'null'}` +
    `; remote_id ${assignment.remoteId ?? 'null'}`;
  line.appendChild(meta);
  return line;
}

const BOOK_ROLE_STATUS: Readonly<Record<PageBookAssignment['status'], string>> = {
  same: 'book: same',
  differs: 'book: another role',
  book_only: 'in the book only, not in Stuut',
};

/**
 * A contact's roles: each of Stuut's assignments with what the book knows of it, then those
 * only the book knows. No row for a contact with none on either side.
 */
function rolesRow(
  contactId: string,
  theirs: PageAssignment[],
  ours: PageBookAssignment[],
  bookKnowsRoles: boolean,
): HTMLTableRowElement | null {
  if (theirs.length === 0 && ours.length === 0) return null;
  const tr = el('tr', 'roles-row');
  tr.dataset.rolesOf = contactId;
  const label = el('td', 'row-label', 'Roles');
  label.dataset.field = 'where';
  tr.appendChild(label);
  const cell = el('td');
  cell.colSpan = COLUMN_COUNT - 1;
  cell.dataset.field = 'assignments';
  const list = el('ul', 'assignments');
  const ourById = new Map(ours.map((a) => [a.id, a]));
  for (const assignment of theirs) {
    const item = el('li', 'assignment');
    item.dataset.assignmentId = assignment.id;
    item.dataset.partnerId = assignment.partnerId ?? '';
    item.dataset.role = assignment.role;
    item.appendChild(assignmentLine(assignment));
    if (bookKnowsRoles) {
      const known = ourById.get(assignment.id);
      const status = known?.status ?? 'missing';
      item.dataset.book = status;
      const text = known
        ? known.status === 'same'
          ? BOOK_ROLE_STATUS.same
          : `book: ${known.roleLabel}`
        : 'not in the book';
      const mark = el('span', `assignment-book assignment-book-${status}`, text);
      mark.dataset.field = 'book';
      if (known) mark.title = `seen in a Stuut answer ${known.seenAt}`;
      item.appendChild(mark);
    }
    list.appendChild(item);
  }
  for (const assignment of ours) {
    if (assignment.status !== 'book_only') continue;
    const item = el('li', 'assignment assignment-book-only');
    item.dataset.assignmentId = assignment.id;
    item.dataset.partnerId = assignment.partnerId ?? '';
    item.dataset.role = assignment.role;
    item.dataset.book = 'book_only';
    item.appendChild(assignmentLine(assignment));
    const mark = el(
      'span',
      'assignment-book assignment-book-book_only',
      BOOK_ROLE_STATUS.book_only,
    );
    mark.dataset.field = 'book';
    mark.title = `seen in a Stuut answer ${assignment.seenAt}`;
    item.appendChild(mark);
    list.appendChild(item);
  }
  cell.appendChild(list);
  tr.appendChild(cell);
  return tr;
}

let partnersSignature = '';

/** Stuut's partners with their ids, to copy into /contact assign. */
function renderPartners(partners: PagePartner[]): void {
  const signature = JSON.stringify(partners);
  if (signature === partnersSignature) return;
  partnersSignature = signature;
  const body = byId<HTMLTableElement>('partners').tBodies[0];
  if (!body) return;
  const rows = partners.map((partner) => {
    const tr = el('tr', 'partner-row');
    tr.dataset.partnerId = partner.id;
    tr.appendChild(el('td', 'partner-name', partner.name));
    const idCell = el('td');
    idCell.dataset.field = 'id';
    const id = el('code', 'partner-id mono', partner.id);
    id.title = 'Click to select, then copy it into /contact assign';
    idCell.appendChild(id);
    const copy = el('button', 'copy-button', 'Copy');
    copy.type = 'button';
    copy.addEventListener('click', () => void copyText(partner.id, copy));
    idCell.appendChild(copy);
    tr.appendChild(idCell);
    const count = el('td', 'partner-count', String(partner.assignments));
    count.dataset.field = 'assignments';
    tr.appendChild(count);
    return tr;
  });
  if (rows.length === 0) {
    const tr = el('tr', 'empty-row');
    const cell = el('td', 'null', 'No partners.');
    cell.colSpan = 3;
    tr.appendChild(cell);
    rows.push(tr);
  }
  body.replaceChildren(...rows);
}

async function copyText(text: string, button: HTMLButtonElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Select it';
  }
  setTimeout(() => {
    button.textContent = 'Copy';
  }, 1500);
}

// Slack members ------------------------------------------------------------------------------
//
// The emulated workspace's people with their Slack profiles. "Edit profile" changes a member's
// title and phone as they would in Slack; Slack then sends the bot a `user_change` event, and
// the row says whether the bot acknowledged it.

/** The longest title or phone the page server takes. */
const PROFILE_FIELD_MAX = 250;

interface MemberDraft {
  id: string;
  title: string;
  phone: string;
}

interface MemberNote {
  kind: 'acknowledged' | 'unacknowledged' | 'unchanged' | 'error';
  text: string;
}

/** The member whose profile is being edited, with what has been typed so far. */
let editingMember: MemberDraft | null = null;
/** The member whose profile is being saved. */
let savingMember: string | null = null;
/** What the last save of each member came to, shown under its row. */
const memberNotes = new Map<string, MemberNote>();
let shownMembers: PageMember[] = [];
let membersSignature = '';

function isEditable(member: PageMember): boolean {
  return !member.deleted && !member.isBot;
}

function profileValue(cell: HTMLElement, value: string): void {
  if (value === '') cell.appendChild(el('span', 'null', 'empty'));
  else cell.appendChild(document.createTextNode(value));
}

function memberRow(member: PageMember): HTMLTableRowElement {
  const tr = el('tr', 'member-row');
  tr.dataset.memberId = member.id;
  const who = el('td', 'member-name');
  who.dataset.field = 'name';
  who.appendChild(el('div', 'member-real-name', member.name));
  const handle = el('div', 'member-handle muted');
  handle.appendChild(
    document.createTextNode(
      `@${member.handle}${member.displayName && member.displayName !== member.name ? ` (${member.displayName})` : ''} `,
    ),
  );
  handle.appendChild(el('span', 'mono', member.id));
  who.appendChild(handle);
  tr.appendChild(who);
  tr.appendChild(valueCell('email', member.email));
  for (const field of ['title', 'phone'] as const) {
    const cell = el('td');
    cell.dataset.field = field;
    profileValue(cell, member[field]);
    tr.appendChild(cell);
  }
  const actions = el('td', 'member-actions');
  const edit = el('button', 'member-edit', 'Edit profile');
  edit.type = 'button';
  edit.dataset.memberId = member.id;
  edit.setAttribute('aria-expanded', String(editingMember?.id === member.id));
  edit.disabled = savingMember !== null;
  edit.addEventListener('click', () => {
    if (editingMember?.id === member.id) editingMember = null;
    else editingMember = { id: member.id, title: member.title, phone: member.phone };
    memberNotes.delete(member.id);
    redrawMembers();
    if (editingMember) {
      byId('members').querySelector<HTMLInputElement>('.member-form input[name="title"]')?.focus();
    }
  });
  actions.appendChild(edit);
  tr.appendChild(actions);
  return tr;
}

function memberForm(member: PageMember, draft: MemberDraft): HTMLTableRowElement {
  const tr = el('tr', 'member-edit-row');
  tr.dataset.memberId = member.id;
  const cell = el('td');
  cell.colSpan = 5;
  const form = el('form', 'member-form');
  form.noValidate = true;
  form.setAttribute('aria-label', `Slack profile of ${member.name}`);
  const saving = savingMember === member.id;
  for (const [field, label] of [
    ['title', 'Title'],
    ['phone', 'Phone'],
  ] as const) {
    const row = el('label', 'member-field');
    row.appendChild(el('span', 'member-field-label', label));
    const input = el('input', 'member-input');
    input.type = 'text';
    input.name = field;
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.maxLength = PROFILE_FIELD_MAX;
    input.value = draft[field];
    input.disabled = saving;
    input.addEventListener('input', () => {
      if (editingMember?.id === member.id) editingMember[field] = input.value;
    });
    row.appendChild(input);
    form.appendChild(row);
  }
  const buttons = el('div', 'member-buttons');
  const save = el('button', 'btn btn-primary member-save', saving ? 'Saving…' : 'Save');
  save.type = 'submit';
  save.disabled = saving;
  buttons.appendChild(save);
  const cancel = el('button', 'btn member-cancel', 'Cancel');
  cancel.type = 'button';
  cancel.disabled = saving;
  cancel.addEventListener('click', () => {
    editingMember = null;
    redrawMembers();
  });
  buttons.appendChild(cancel);
  form.appendChild(buttons);
  form.appendChild(
    el(
      'p',
      'panel-note member-form-note',
      'Saving changes the profile as the member would in Slack: Slack sends the bot a user_change event.',
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void saveMember({ ...draft, ...(editingMember?.id === member.id ? editingMember : {}) });
  });
  form.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || saving) return;
    event.preventDefault();
    event.stopPropagation();
    editingMember = null;
    redrawMembers();
  });
  cell.appendChild(form);
  tr.appendChild(cell);
  return tr;
}

function memberNoteRow(id: string, note: MemberNote): HTMLTableRowElement {
  const tr = el('tr', 'member-note-row');
  tr.dataset.memberId = id;
  const cell = el('td');
  cell.colSpan = 5;
  const text = el('div', `member-note member-note-${note.kind}`, note.text);
  text.dataset.result = note.kind;
  text.setAttribute('role', 'status');
  cell.appendChild(text);
  tr.appendChild(cell);
  return tr;
}

/** The Slack members panel; redrawn only when what it shows changes, so typing survives. */
function renderMembers(members: PageMember[]): void {
  shownMembers = members;
  const editable = members.filter(isEditable);
  if (editingMember && !editable.some((member) => member.id === editingMember?.id)) {
    editingMember = null;
  }
  const signature = JSON.stringify([
    members,
    editingMember?.id ?? null,
    savingMember,
    [...memberNotes],
  ]);
  if (signature === membersSignature) return;
  membersSignature = signature;

  const table = byId<HTMLTableElement>('members');
  const body = table.tBodies[0];
  if (!body) return;
  // The focus, to give back to the same input after the redraw.
  const active = document.activeElement;
  const focusedField =
    active instanceof HTMLInputElement && table.contains(active) ? active.name : null;

  const rows: HTMLTableRowElement[] = [];
  for (const member of editable) {
    rows.push(memberRow(member));
    if (editingMember?.id === member.id) rows.push(memberForm(member, editingMember));
    const note = memberNotes.get(member.id);
    if (note) rows.push(memberNoteRow(member.id, note));
  }
  if (rows.length === 0) {
    const tr = el('tr', 'empty-row');
    const cell = el('td', 'null', 'No members.');
    cell.colSpan = 5;
    tr.appendChild(cell);
    rows.push(tr);
  }
  body.replaceChildren(...rows);

  const bots = members.filter((member) => member.isBot).length;
  const deactivated = members.filter((member) => member.deleted && !member.isBot).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const hidden = byId('members-hidden');
  const unlisted = [
    ...(bots > 0 ? [plural(bots, 'bot')] : []),
    ...(deactivated > 0 ? [plural(deactivated, 'deactivated member')] : []),
  ];
  hidden.hidden = unlisted.length === 0;
  hidden.textContent =
    unlisted.length === 0
      ? ''
      : `Not listed: ${unlisted.join(' and ')}, whose profiles cannot be edited here.`;
  if (focusedField) {
    table.querySelector<HTMLInputElement>(`.member-form input[name="${focusedField}"]`)?.focus();
  }
}

function redrawMembers(): void {
  membersSignature = '';
  renderMembers(shownMembers);
}

/** Saves a member's title and phone into their Slack profile, and says what the bot did. */
async function saveMember(draft: MemberDraft): Promise<void> {
  if (savingMember !== null) return;
  savingMember = draft.id;
  memberNotes.delete(draft.id);
  redrawMembers();
  let answer: ApiAnswer;
  try {
    answer = await post('/api/member/profile', {
      userId: draft.id,
      title: draft.title,
      phone: draft.phone,
    });
  } finally {
    savingMember = null;
  }
  if (!answer.ok) {
    memberNotes.set(draft.id, {
      kind: 'error',
      text: `Not saved: ${answer.error ?? 'unknown error'}`,
    });
  } else {
    if (editingMember?.id === draft.id) editingMember = null;
    memberNotes.set(draft.id, memberNote(answer));
  }
  redrawMembers();
  await poll();
}

function memberNote(answer: ApiAnswer): MemberNote {
  if (answer.changed === false) {
    return { kind: 'unchanged', text: 'Nothing changed, so Slack sent the bot no event.' };
  }
  const timing = answer.ackMs === undefined ? '' : ` in ${answer.ackMs} ms`;
  if (answer.acknowledged) {
    return {
      kind: 'acknowledged',
      text: `Saved. Slack sent the bot a user_change event, and the bot acknowledged it (HTTP ${answer.status ?? 200}${timing}).`,
    };
  }
  const why =
    answer.error ??
    (answer.timedOut ? 'no answer within 3 seconds' : `HTTP ${answer.status ?? '?'}${timing}`);
  return {
    kind: 'unacknowledged',
    text: `Saved in Slack, but the bot did not acknowledge the user_change event (${why}). Slack would retry it.`,
  };
}

function renderContacts(
  contacts: PageContact[],
  book: PageBook | null,
  assignments: PageAssignment[],
): void {
  const table = byId<HTMLTableElement>('contacts');
  const bookRows = new Map((book?.rows ?? []).map((row) => [row.id, row]));
  const stuutRoles = groupBy(assignments, (a) => a.contactId);
  const bookRoles = groupBy(book?.assignments ?? [], (a) => a.contactId);
  /** Whether the book's assignments can be compared: a book that answered about them. */
  const bookKnowsRoles =
    book !== null && book.assignments !== undefined && (book.assignmentsError ?? null) === null;
  const groups: { id: string; rows: HTMLTableRowElement[]; signature: string }[] = [];
  const rolesOf = (id: string) => {
    const theirs = stuutRoles.get(id) ?? [];
    const ours = bookRoles.get(id) ?? [];
    return { theirs, ours, row: rolesRow(id, theirs, ours, bookKnowsRoles) };
  };
  for (const contact of contacts) {
    const row = bookRows.get(contact.id);
    bookRows.delete(contact.id);
    const rows = [groupHead(contact.id, row?.status ?? null), stuutRow(contact)];
    if (row) rows.push(bookRow(row));
    const roles = rolesOf(contact.id);
    if (roles.row) rows.push(roles.row);
    groups.push({
      id: contact.id,
      rows,
      signature: JSON.stringify([contact, row, roles.theirs, roles.ours, bookKnowsRoles]),
    });
  }
  // What the book knows and Stuut does not (an import, a contact deleted in Stuut).
  for (const row of bookRows.values()) {
    const rows = [groupHead(row.id, row.status), bookRow(row)];
    const roles = rolesOf(row.id);
    if (roles.row) rows.push(roles.row);
    groups.push({
      id: row.id,
      rows,
      signature: JSON.stringify([null, row, roles.theirs, roles.ours, bookKnowsRoles]),
    });
  }
  const next = new Map<string, string>();
  const bodies = groups.map((group) => {
    next.set(group.id, group.signature);
    const body = el('tbody', 'contact-group');
    body.dataset.contactId = group.id;
    const previous = contactSignatures.get(group.id);
    if (previous !== undefined && previous !== group.signature) body.classList.add('changed');
    body.replaceChildren(...group.rows);
    body.addEventListener('click', (event) => {
      // Selecting text to copy it is not a choice of contact.
      if (event.target instanceof Element && event.target.closest('button, a')) return;
      if ((window.getSelection()?.toString() ?? '') !== '') return;
      selectContact(group.id);
    });
    return body;
  });
  contactSignatures = next;
  const note = byId('book-note');
  note.hidden = book === null;
  if (book) {
    byId('book-engine').textContent = book.engine;
    const problem = byId('book-error');
    problem.hidden = book.error === null;
    problem.textContent = book.error === null ? '' : `The book is unavailable: ${book.error}`;
    const rolesProblem = byId('book-roles-error');
    const rolesError = book.error === null ? (book.assignmentsError ?? null) : null;
    rolesProblem.hidden = rolesError === null;
    rolesProblem.textContent =
      rolesError === null ? '' : `The book's assignments are unavailable: ${rolesError}`;
  }
  if (bodies.length === 0) {
    const body = el('tbody');
    const row = el('tr', 'empty-row');
    const cell = el('td', 'null', 'No contacts stored.');
    cell.colSpan = COLUMN_COUNT;
    row.appendChild(cell);
    body.appendChild(row);
    bodies.push(body);
  }
  for (const old of [...table.tBodies]) old.remove();
  table.append(...bodies);
  markSelected();
}

// History of the chosen contact ---------------------------------------------------------------
//
// Under the table: what the book recorded of one contact, newest first (who, when, how, and
// each field from before to after), marked where an undo took a change back.

const SOURCE_LABELS: Readonly<Record<ChangeSource, string>> = {
  form: 'the form',
  edit: 'Edit',
  undo: 'Undo',
  add: 'adding the contact',
  assign: 'an assignment',
  role: 'a role change',
  drift: 'a Slack profile',
};

/** The contact whose history shows; kept in the address (#contact=…) across reloads. */
let selectedContact: string | null = selectionFromAddress();
let historyLimit = HISTORY_STEP;
/** Counts questions, so that only the answer to the latest is shown (answers can cross). */
let historyQuestion = 0;
/** The answer on show, so that the same answer again leaves the list alone. */
let shownHistory = '';
/** The changes on show; null before the first answer about this contact. */
let shownChangeIds: Set<number> | null = null;

function selectionFromAddress(): string | null {
  const match = /^#contact=(.+)$/.exec(window.location.hash);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

function selectContact(id: string | null): void {
  if (id === selectedContact) return;
  selectedContact = id;
  historyLimit = HISTORY_STEP;
  shownHistory = '';
  shownChangeIds = null;
  const { pathname, search } = window.location;
  const address = id === null ? `${pathname}${search}` : `#contact=${encodeURIComponent(id)}`;
  window.history.replaceState(null, '', address);
  markSelected();
  renderHistory(null);
  void refreshHistory();
}

function markSelected(): void {
  for (const body of byId<HTMLTableElement>('contacts').tBodies) {
    const selected = body.dataset.contactId === selectedContact;
    body.classList.toggle('selected', selected);
    body
      .querySelector<HTMLButtonElement>('.history-button')
      ?.setAttribute('aria-pressed', String(selected));
  }
}

async function fetchHistory(contactId: string, limit: number): Promise<PageHistory> {
  try {
    const query = `contact=${encodeURIComponent(contactId)}&limit=${limit}`;
    const response = await fetch(`/api/history?${query}`, { cache: 'no-store' });
    const answer: unknown = await response.json().catch(() => null);
    if (answer && typeof answer === 'object' && typeof (answer as PageHistory).ok === 'boolean') {
      return answer as PageHistory;
    }
    return { ok: false, contactId, error: `unexpected answer (HTTP ${response.status})` };
  } catch (error) {
    return { ok: false, contactId, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Asks for the chosen contact's history and shows it, unless a newer question was asked. */
async function refreshHistory(): Promise<void> {
  const contactId = selectedContact;
  const question = ++historyQuestion;
  if (contactId === null) {
    renderHistory(null);
    return;
  }
  const answer = await fetchHistory(contactId, historyLimit);
  if (question !== historyQuestion || contactId !== selectedContact) return;
  renderHistory(answer);
}

/** The contact's name as the panel knows it: Stuut's values, else the book's. */
function contactLabel(id: string): string {
  const values: Partial<Record<ContactField, string | null>> | undefined =
    current?.contacts.find((contact) => contact.id === id) ??
    current?.book?.rows.find((row) => row.id === id)?.entry?.values;
  if (!values) return id;
  const name =
    values.name || [values.given_name, values.family_name].filter(Boolean).join(' ') || '';
  return name || values.email || id;
}

function changeItem(change: PageChange, fresh: boolean): HTMLLIElement {
  const item = el('li', 'history-item');
  item.dataset.changeId = String(change.id);
  item.dataset.source = change.source;
  item.dataset.undone = String(change.undoneBy !== null);
  if (fresh) item.classList.add('changed');
  if (change.undoneBy !== null) item.classList.add('history-undone');

  const meta = el('div', 'history-meta');
  meta.appendChild(el('span', 'history-id mono', `#${change.id}`));
  const who = el('span', 'history-who', change.who.name);
  who.title = change.who.id;
  meta.appendChild(who);
  const when = el('time', 'history-when', whenText(change.at));
  when.dateTime = change.at;
  when.title = change.at;
  meta.appendChild(when);
  const how =
    change.source === 'undo' && change.undoes !== null
      ? `Undo of #${change.undoes}`
      : `with ${SOURCE_LABELS[change.source]}`;
  const source = el('span', `history-source history-source-${change.source}`, how);
  source.dataset.field = 'source';
  meta.appendChild(source);
  if (change.undoneBy !== null) {
    const undone = el('span', 'history-undone-mark', `undone by #${change.undoneBy}`);
    undone.dataset.field = 'undone';
    meta.appendChild(undone);
  }
  item.appendChild(meta);

  const fields = el('ul', 'history-fields');
  for (const c of change.changes) {
    const line = el('li');
    line.dataset.field = c.field;
    line.appendChild(el('span', 'field-key', `${c.field} `));
    const before = el('span', 'history-before');
    if (c.beforeKnown) appendValue(before, c.before);
    else {
      before.appendChild(el('span', 'null', 'unknown'));
      before.title = 'The bot did not know the value before this change.';
    }
    line.appendChild(before);
    line.appendChild(el('span', 'history-arrow', ' → '));
    const after = el('span', 'history-after');
    appendValue(after, c.after);
    line.appendChild(after);
    fields.appendChild(line);
  }
  const role = change.assignment;
  if (role) {
    const line = el('li', 'history-role');
    line.dataset.field = 'role';
    line.dataset.assignmentId = role.assignmentId;
    line.appendChild(el('span', 'field-key', 'role '));
    const before = el('span', 'history-before');
    if (role.roleBeforeLabel === null) before.appendChild(el('span', 'null', 'new'));
    else before.textContent = role.roleBeforeLabel;
    line.appendChild(before);
    line.appendChild(el('span', 'history-arrow', ' → '));
    line.appendChild(el('span', 'history-after', role.roleAfterLabel));
    line.appendChild(
      document.createTextNode(
        role.partnerId === null
          ? ', no partner (floating)'
          : ` on ${role.partnerName ?? 'partner'} ${role.partnerId}`,
      ),
    );
    fields.appendChild(line);
  }
  if (change.changes.length === 0 && !role) {
    fields.appendChild(el('li', 'null', 'no field changed'));
  }
  item.appendChild(fields);

  const note = el(
    'div',
    'history-note',
    `book v${change.versionAfter}` +
      (change.modifiedAt ? ` · Stuut's modified_at ${change.modifiedAt}` : ''),
  );
  item.appendChild(note);
  return item;
}

/** Shows the chosen contact's history; null: none chosen, or its answer is on its way. */
function renderHistory(answer: PageHistory | null): void {
  const section = byId('history');
  const id = selectedContact;
  section.hidden = id === null;
  if (id === null) return;
  byId('history-name').textContent = contactLabel(id);
  byId('history-id').textContent = id;
  const list = byId('history-list');
  const empty = byId('history-empty');
  const problem = byId('history-error');
  const older = byId<HTMLButtonElement>('history-older');
  if (answer === null) {
    shownHistory = '';
    list.replaceChildren();
    empty.hidden = false;
    empty.textContent = 'Loading…';
    problem.hidden = true;
    older.hidden = true;
    return;
  }
  const signature = JSON.stringify(answer);
  if (signature === shownHistory) return;
  shownHistory = signature;
  if (!answer.ok) {
    problem.hidden = false;
    problem.textContent = `The history is unavailable: ${answer.error}`;
    empty.hidden = true;
    older.hidden = true;
    return;
  }
  problem.hidden = true;
  empty.hidden = answer.changes.length > 0;
  empty.textContent =
    'No changes recorded yet. Saves through the bot (the form, Edit, Undo) are recorded from the moment they are made.';
  // A change not shown before flashes, except on the first look at this contact.
  const before = shownChangeIds;
  list.replaceChildren(
    ...answer.changes.map((change) =>
      changeItem(change, before !== null && !before.has(change.id)),
    ),
  );
  shownChangeIds = new Set(answer.changes.map((change) => change.id));
  older.hidden = !answer.hasOlder || historyLimit >= HISTORY_MAX;
}

/** The switch a pending fault belongs to: the server names it by kind or by a label. */
function faultKind(pending: string): string | undefined {
  const text = pending.toLowerCase();
  return Object.keys(FAULT_LABELS).find(
    (kind) =>
      text === kind ||
      text === FAULT_LABELS[kind]?.toLowerCase() ||
      text.startsWith(`${kind} `) ||
      text.endsWith(` ${kind}`),
  );
}

function renderFaults(pending: string[]): void {
  const kinds = new Set(pending.map(faultKind));
  for (const button of document.querySelectorAll<HTMLButtonElement>('.fault-switch')) {
    const queued = kinds.has(button.dataset.fault);
    button.classList.toggle('queued', queued);
    button.setAttribute('aria-pressed', String(queued));
  }
  const list = byId('pending-faults');
  if (pending.length === 0) {
    list.replaceChildren(el('span', 'null', 'Nothing queued: Stuut answers normally.'));
    return;
  }
  list.replaceChildren(
    el('span', 'pending-label', 'Queued: '),
    ...pending.map((fault) => {
      const chip = el('span', 'fault-chip', fault);
      const kind = faultKind(fault);
      if (kind) chip.dataset.fault = kind;
      return chip;
    }),
  );
}

function renderWarnings(warnings: string[]): void {
  byId('warnings').replaceChildren(...warnings.map((warning) => el('li', 'warning', warning)));
  byId('warnings-empty').hidden = warnings.length > 0;
}

// Composer ------------------------------------------------------------------------------------

let hintTimer: ReturnType<typeof setTimeout> | undefined;

function showHint(message: string | null, sticky = false): void {
  const hint = byId('local-hint');
  clearTimeout(hintTimer);
  hint.textContent = message ?? '';
  hint.hidden = message === null;
  if (message !== null && !sticky) hintTimer = setTimeout(() => showHint(null), 8000);
}

async function sendCommand(): Promise<void> {
  const input = byId<HTMLInputElement>('message-input');
  const send = byId<HTMLButtonElement>('send');
  const typed = input.value.trim();
  if (typed === '') return;
  const match = /^\/contact(?=\s|$)/.exec(typed);
  if (!match) {
    showHint(
      typed.startsWith('/')
        ? `Only /contact is installed here. (${typed.split(/\s/)[0] ?? typed} is not a command in this sandbox.)`
        : 'Only /contact is installed here: this sandbox has no one else to talk to.',
    );
    return;
  }
  const text = typed.slice(match[0].length).trim();
  showHint(null);
  input.value = '';
  send.disabled = true;
  try {
    const answer = await post('/api/command', { text });
    if (!answer.ok) {
      if (input.value === '') input.value = typed;
      // Slack's wording when the app does not answer 200 within 3 seconds.
      const error =
        answer.error ?? ((answer.ackMs ?? 0) >= 3000 ? 'operation_timeout' : 'dispatch_failed');
      showHint(`/contact failed with the error "${error}"`, true);
    }
    await poll();
  } finally {
    send.disabled = false;
    // A form the command opened keeps the focus, as in Slack.
    if (!modalDom) input.focus();
  }
}

// Start -----------------------------------------------------------------------------------------

function start(): void {
  byId<HTMLFormElement>('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    void sendCommand();
  });
  byId('message-input').addEventListener('input', () => {
    if (!byId('local-hint').hidden) showHint(null);
  });
  for (const button of document.querySelectorAll<HTMLButtonElement>('.fault-switch')) {
    button.addEventListener('click', async () => {
      const kind = button.dataset.fault;
      if (!kind) return;
      button.disabled = true;
      const answer = await post('/api/faults', { kind });
      if (!answer.ok) showHint(`Could not queue ${kind}: ${answer.error ?? 'unknown error'}`);
      await poll();
      button.disabled = false;
    });
  }
  byId('history-close').addEventListener('click', () => selectContact(null));
  byId('history-older').addEventListener('click', () => {
    historyLimit = Math.min(HISTORY_MAX, historyLimit + HISTORY_STEP);
    void refreshHistory();
  });
  renderHistory(null);
  byId('clear-faults').addEventListener('click', async () => {
    await post('/api/faults', { kind: 'clear' });
    await poll();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && modalDom) {
      event.preventDefault();
      void closeModal();
    }
  });
  void poll().then(() => watch());
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
