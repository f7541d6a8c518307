/**
 * The sandbox's Slack client: one channel view, the modal, and the emulated Stuut's side
 * panel. It polls the page server's `/api/state` and re-renders what changed; every action is
 * a JSON POST to the page server, which talks to the bot the way Slack would.
 */

import {
  type ButtonAction,
  el,
  type RenderContext,
  readInputs,
  readStateValues,
  renderBlocks,
  type StateValues,
  setInputErrors,
} from './blocks.js';
import { renderMrkdwn } from './mrkdwn.js';

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

interface PageState {
  version: number;
  user: { id: string; name: string };
  channel: { id: string; name: string };
  messages: PageMessage[];
  modal: PageModal | null;
  warnings: string[];
  contacts: PageContact[];
  pendingFaults: string[];
  users: Record<string, string>;
}

interface ApiAnswer {
  ok: boolean;
  error?: string;
  ackMs?: number;
  /** With error 'client_validation': what the Slack client would show under the inputs. */
  errors?: Record<string, string>;
}

const POLL_MS = 400;
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

async function fetchState(): Promise<PageState | null> {
  try {
    const response = await fetch('/api/state', { cache: 'no-store' });
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
let chain: Promise<void> = Promise.resolve();
let queued: Promise<void> | null = null;

/** Fetches the state once more (after any fetch in progress) and renders it if it changed. */
function poll(): Promise<void> {
  if (queued) return queued;
  const next = chain
    .then(async () => {
      queued = null;
      const state = await fetchState();
      if (state && state.version !== renderedVersion) {
        renderedVersion = state.version;
        current = state;
        render(state);
      }
    })
    .catch((error: unknown) => {
      console.error('sandbox page: render failed', error);
    });
  queued = next;
  chain = next;
  return next;
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
  renderContacts(state.contacts);
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

// Side panel ----------------------------------------------------------------------------------

const CONTACT_COLUMNS = ['id', 'email', 'names', 'phone', 'job_title', 'modified_at'] as const;
let contactSignatures = new Map<string, string>();

function valueCell(field: string, value: string | null): HTMLTableCellElement {
  const cell = el('td');
  cell.dataset.field = field;
  if (value === null) cell.appendChild(el('span', 'null', 'null'));
  else if (value === '') cell.appendChild(el('span', 'null', '""'));
  else cell.textContent = value;
  return cell;
}

function renderContacts(contacts: PageContact[]): void {
  const table = byId<HTMLTableElement>('contacts');
  const tbody = table.tBodies[0] ?? table.appendChild(el('tbody'));
  const next = new Map<string, string>();
  const rows = contacts.map((contact) => {
    const signature = JSON.stringify(contact);
    next.set(contact.id, signature);
    const row = el('tr');
    row.dataset.contactId = contact.id;
    const previous = contactSignatures.get(contact.id);
    if (previous !== undefined && previous !== signature) row.classList.add('changed');
    for (const column of CONTACT_COLUMNS) {
      if (column !== 'names') {
        const cell = valueCell(column, contact[column]);
        if (column === 'id') cell.classList.add('mono');
        row.appendChild(cell);
        continue;
      }
      const cell = el('td');
      cell.dataset.field = 'names';
      for (const field of ['given_name', 'family_name', 'name'] as const) {
        const line = el('div', 'name-line');
        line.dataset.field = field;
        line.appendChild(el('span', 'field-key', `${field} `));
        const value = contact[field];
        if (value === null) line.appendChild(el('span', 'null', 'null'));
        else line.appendChild(document.createTextNode(value === '' ? '""' : value));
        cell.appendChild(line);
      }
      row.appendChild(cell);
    }
    return row;
  });
  contactSignatures = next;
  if (rows.length === 0) {
    const row = el('tr', 'empty-row');
    const cell = el('td', 'null', 'No contacts stored.');
    cell.colSpan = CONTACT_COLUMNS.length;
    row.appendChild(cell);
    tbody.replaceChildren(row);
    return;
  }
  tbody.replaceChildren(...rows);
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
    input.focus();
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
  void poll();
  setInterval(() => void poll(), POLL_MS);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
