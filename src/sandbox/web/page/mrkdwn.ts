/**
 * Slack mrkdwn → DOM nodes. Every string ends up in a text node or a DOM property, never in
 * markup: this module builds nodes with document.createElement/createTextNode only.
 *
 * Order of work, as Slack does it: first the `<…>` tokens (links, mentions, dates) and emoji
 * codes are cut out of the raw text; then ``` blocks, `code`, *bold*, _italic_ and ~strike~ are
 * found in what is left; the entities &amp; &lt; &gt; are decoded last, in the text that is
 * shown, so an escaped `&lt;!channel&gt;` shows as `<!channel>` and pings nobody.
 */

export interface MrkdwnContext {
  /** The display name of a user id (the id itself when unknown). */
  userName(id: string): string;
  /** The name of a channel id, when known. */
  channelName?(id: string): string | undefined;
  /** "Now", for today/yesterday/tomorrow in dates; the current time when absent. */
  now?: () => Date;
}

const EMOJI: Readonly<Record<string, string>> = {
  white_check_mark: '\u2705',
  heavy_check_mark: '\u2714\uFE0F',
  x: '\u274C',
  warning: '\u26A0\uFE0F',
  memo: '\uD83D\uDCDD',
  pencil: '\uD83D\uDCDD',
  pencil2: '\u270F\uFE0F',
  hourglass_flowing_sand: '\u23F3',
  hourglass: '\u231B',
  information_source: '\u2139\uFE0F',
  bust_in_silhouette: '\uD83D\uDC64',
  busts_in_silhouette: '\uD83D\uDC65',
  no_entry: '\u26D4',
  no_entry_sign: '\uD83D\uDEAB',
  rotating_light: '\uD83D\uDEA8',
  lock: '\uD83D\uDD12',
  key: '\uD83D\uDD11',
  tada: '\uD83C\uDF89',
  '+1': '\uD83D\uDC4D',
  thumbsup: '\uD83D\uDC4D',
  wave: '\uD83D\uDC4B',
  eyes: '\uD83D\uDC40',
  question: '\u2753',
  exclamation: '\u2757',
  bulb: '\uD83D\uDCA1',
  telephone_receiver: '\uD83D\uDCDE',
  email: '\u2709\uFE0F',
  'e-mail': '\uD83D\uDCE7',
  calendar: '\uD83D\uDCC6',
  link: '\uD83D\uDD17',
  mag: '\uD83D\uDD0D',
  gear: '\u2699\uFE0F',
  arrows_counterclockwise: '\uD83D\uDD04',
  leftwards_arrow_with_hook: '\u21A9\uFE0F',
  arrow_right_hook: '\u21AA\uFE0F',
  arrow_right: '\u27A1\uFE0F',
  smile: '\uD83D\uDE04',
  slightly_smiling_face: '\uD83D\uDE42',
  red_circle: '\uD83D\uDD34',
  large_green_circle: '\uD83D\uDFE2',
  robot_face: '\uD83E\uDD16',
};

/** The Unicode emoji for a shortcode (without colons), when the small table has it. */
export function emojiFor(code: string): string | undefined {
  return Object.hasOwn(EMOJI, code) ? EMOJI[code] : undefined;
}

/** Decodes Slack's three entities, in one pass (so `&amp;lt;` shows as `&lt;`). */
export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_match, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : '>',
  );
}

/** Replaces the known `:shortcode:`s of a string with their emoji. */
export function replaceEmoji(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (match, code: string) => emojiFor(code) ?? match);
}

/** A `plain_text` object's text: literal, with emoji codes replaced when `emoji` is on. */
export function renderPlainText(text: string, emoji = true): DocumentFragment {
  const fragment = document.createDocumentFragment();
  fragment.appendChild(document.createTextNode(emoji ? replaceEmoji(text) : text));
  return fragment;
}

// ---------------------------------------------------------------------------------------------
// Tokenising: `<…>` tokens, emoji codes and stray private-use characters become single
// private-use placeholder characters, so the formatting scan treats them as opaque.

type Atom =
  | { kind: 'angle'; inner: string }
  | { kind: 'emoji'; code: string; char: string }
  | { kind: 'literal'; text: string };

const PUA_FIRST = 0xe000;
const PUA_LAST = 0xf8ff;
const MAX_ATOMS = PUA_LAST - PUA_FIRST + 1;

interface Tokenised {
  text: string;
  atoms: Atom[];
}

function isPlaceholder(char: string): boolean {
  const code = char.charCodeAt(0);
  return char.length === 1 && code >= PUA_FIRST && code <= PUA_LAST;
}

function tokenise(raw: string): Tokenised {
  const atoms: Atom[] = [];
  let text = '';
  const push = (atom: Atom, fallback: string): void => {
    if (atoms.length >= MAX_ATOMS) {
      text += fallback;
      return;
    }
    text += String.fromCharCode(PUA_FIRST + atoms.length);
    atoms.push(atom);
  };
  let i = 0;
  while (i < raw.length) {
    const char = raw.charAt(i);
    if (char === '<') {
      const close = raw.indexOf('>', i + 1);
      const inner = close > i ? raw.slice(i + 1, close) : '';
      if (close > i + 1 && !inner.includes('<') && !inner.includes('\n')) {
        push({ kind: 'angle', inner }, raw.slice(i, close + 1));
        i = close + 1;
        continue;
      }
    } else if (char === ':') {
      const match = /^:([a-z0-9_+-]+):/.exec(raw.slice(i, i + 64));
      const code = match?.[1];
      const emoji = code === undefined ? undefined : emojiFor(code);
      if (match && code !== undefined && emoji !== undefined) {
        push({ kind: 'emoji', code, char: emoji }, match[0]);
        i += match[0].length;
        continue;
      }
    } else if (isPlaceholder(char)) {
      push({ kind: 'literal', text: char }, char);
      i += 1;
      continue;
    }
    text += char;
    i += 1;
  }
  return { text, atoms };
}

// ---------------------------------------------------------------------------------------------
// Dates: <!date^seconds^format^optional_link|fallback>

function dayDiff(date: Date, now: Date): number {
  const a = new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
  const b = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  return Math.round((a - b) / 86_400_000);
}

function relativeDay(date: Date, now: Date): string | undefined {
  const diff = dayDiff(date, now);
  if (diff < -1 || diff > 1) return undefined;
  return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(diff, 'day');
}

function ago(date: Date, now: Date): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, 'second');
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return format.format(Math.round(seconds / 3600), 'hour');
  if (abs < 30 * 86_400) return format.format(Math.round(seconds / 86_400), 'day');
  if (abs < 365 * 86_400) return format.format(Math.round(seconds / (30 * 86_400)), 'month');
  return format.format(Math.round(seconds / (365 * 86_400)), 'year');
}

/** Formats a Slack date token's format string for a Unix time, in the browser's locale. */
export function formatSlackDate(seconds: number, format: string, now: Date = new Date()): string {
  const date = new Date(seconds * 1000);
  const dateStyle = (style: 'long' | 'medium' | 'full') =>
    new Intl.DateTimeFormat(undefined, { dateStyle: style }).format(date);
  const pad = (n: number) => String(n).padStart(2, '0');
  const tokens: Record<string, () => string> = {
    date_num: () => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`,
    date: () => dateStyle('long'),
    date_short: () => dateStyle('medium'),
    date_long: () => dateStyle('full'),
    date_pretty: () => relativeDay(date, now) ?? dateStyle('long'),
    date_short_pretty: () => relativeDay(date, now) ?? dateStyle('medium'),
    date_long_pretty: () => relativeDay(date, now) ?? dateStyle('full'),
    time: () => new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }).format(date),
    time_secs: () => new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' }).format(date),
    ago: () => ago(date, now),
  };
  return format.replace(/\{([a-z_]+)\}/g, (match, name: string) => {
    const token = Object.hasOwn(tokens, name) ? tokens[name] : undefined;
    return token ? token() : match;
  });
}

// ---------------------------------------------------------------------------------------------
// Rendering

const LINK_SCHEME = /^(https?:\/\/|mailto:)/i;

/** Whether a URL may become a link: only http, https and mailto. */
export function isSafeUrl(url: string): boolean {
  if (!LINK_SCHEME.test(url)) return false;
  try {
    const parsed = new URL(url);
    return ['http:', 'https:', 'mailto:'].includes(parsed.protocol);
  } catch {
    return false;
  }
}

function span(className: string, text: string): HTMLElement {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  return el;
}

function link(url: string, label: string): HTMLElement {
  const a = document.createElement('a');
  a.href = url;
  a.rel = 'noopener noreferrer';
  a.target = '_blank';
  a.textContent = label;
  return a;
}

function renderDate(target: string, label: string | undefined, ctx: MrkdwnContext): Node {
  // target: !date^seconds^format[^link]
  const parts = target.split('^');
  const seconds = Number(parts[1]);
  const format = parts[2];
  const url = parts[3] === undefined ? undefined : decodeEntities(parts[3]);
  const fallback = label === undefined ? decodeEntities(`<${target}>`) : decodeEntities(label);
  let text = fallback;
  if (parts[1] !== undefined && /^-?\d+$/.test(parts[1]) && Number.isFinite(seconds) && format) {
    try {
      text = formatSlackDate(seconds, decodeEntities(format), ctx.now ? ctx.now() : new Date());
    } catch {
      text = fallback;
    }
  }
  if (url !== undefined && isSafeUrl(url)) {
    const a = link(url, text);
    a.classList.add('mrkdwn-date');
    return a;
  }
  const el = span('mrkdwn-date', text);
  el.title = fallback;
  return el;
}

function renderAngle(inner: string, ctx: MrkdwnContext): Node {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : undefined;
  const shownLabel = label === undefined || label === '' ? undefined : decodeEntities(label);

  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = shownLabel?.replace(/^@/, '') ?? ctx.userName(id);
    const el = span('mention', `@${name}`);
    el.dataset.userId = id;
    return el;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = shownLabel?.replace(/^#/, '') ?? ctx.channelName?.(id) ?? id;
    const el = span('mention mention-channel', `#${name}`);
    el.dataset.channelId = id;
    return el;
  }
  if (target.startsWith('!')) {
    const command = target.slice(1);
    if (command === 'here' || command === 'channel' || command === 'everyone') {
      return span('mention mention-special', `@${command}`);
    }
    if (command.startsWith('date^')) return renderDate(target, label, ctx);
    if (command.startsWith('subteam^')) {
      return span('mention mention-special', shownLabel ?? `@${command.slice(8)}`);
    }
    return document.createTextNode(shownLabel ?? decodeEntities(`<${inner}>`));
  }
  const url = decodeEntities(target);
  if (isSafeUrl(url)) return link(url, shownLabel ?? url);
  // Not a link Slack would make: Slack still reads it as markup, so the brackets vanish.
  const el = span('mrkdwn-not-link', shownLabel ?? url);
  el.title = `Slack reads <${url}> as markup, not text; escape it as &lt;…&gt; to show the brackets`;
  return el;
}

type Mode = 'normal' | 'code';

/** Appends text that may hold placeholders: each placeholder becomes its atom's node. */
function appendText(parent: Node, text: string, tok: Tokenised, ctx: MrkdwnContext, mode: Mode) {
  let buffer = '';
  const flush = () => {
    if (buffer) parent.appendChild(document.createTextNode(decodeEntities(buffer)));
    buffer = '';
  };
  for (const char of text) {
    const atom = isPlaceholder(char) ? tok.atoms[char.charCodeAt(0) - PUA_FIRST] : undefined;
    if (!atom) {
      buffer += char;
      continue;
    }
    if (atom.kind === 'literal') {
      buffer += atom.text;
      continue;
    }
    flush();
    if (atom.kind === 'emoji') {
      if (mode === 'code') {
        parent.appendChild(document.createTextNode(`:${atom.code}:`));
      } else {
        const el = span('emoji', atom.char);
        el.title = `:${atom.code}:`;
        parent.appendChild(el);
      }
    } else {
      parent.appendChild(renderAngle(atom.inner, ctx));
    }
  }
  flush();
}

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[\p{L}\p{N}]/u.test(char);
}

function isSpace(char: string | undefined): boolean {
  return char === undefined || /\s/.test(char);
}

const FORMAT_TAGS: Readonly<Record<string, string>> = { '*': 'strong', _: 'em', '~': 's' };

function findCloser(text: string, open: number, mark: string): number {
  for (let j = open + 2; j < text.length; j += 1) {
    const char = text.charAt(j);
    if (char === '\n') return -1;
    if (char === mark && !isSpace(text.charAt(j - 1)) && !isWordChar(text[j + 1])) return j;
  }
  return -1;
}

/** *bold*, _italic_, ~strike~: opened after a non-word character, closed before one. */
function appendFormatted(parent: Node, text: string, tok: Tokenised, ctx: MrkdwnContext) {
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const mark = text.charAt(i);
    const tag = Object.hasOwn(FORMAT_TAGS, mark) ? FORMAT_TAGS[mark] : undefined;
    const next = text[i + 1];
    if (tag && !isWordChar(text[i - 1]) && !isSpace(next) && next !== mark) {
      const close = findCloser(text, i, mark);
      if (close > 0) {
        appendText(parent, text.slice(start, i), tok, ctx, 'normal');
        const el = document.createElement(tag);
        appendFormatted(el, text.slice(i + 1, close), tok, ctx);
        parent.appendChild(el);
        i = close + 1;
        start = i;
        continue;
      }
    }
    i += 1;
  }
  appendText(parent, text.slice(start), tok, ctx, 'normal');
}

/** `inline code` spans; the rest is formatted text. */
function appendInline(parent: Node, text: string, tok: Tokenised, ctx: MrkdwnContext) {
  const pattern = /`([^`\n]+)`/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const index = match.index ?? 0;
    appendFormatted(parent, text.slice(last, index), tok, ctx);
    const code = document.createElement('code');
    appendText(code, match[1] ?? '', tok, ctx, 'code');
    parent.appendChild(code);
    last = index + match[0].length;
  }
  appendFormatted(parent, text.slice(last), tok, ctx);
}

/**
 * Renders Slack mrkdwn as DOM nodes. The result is meant for an element with
 * `white-space: pre-wrap`, which shows the newlines.
 */
export function renderMrkdwn(raw: string, ctx: MrkdwnContext): DocumentFragment {
  const fragment = document.createDocumentFragment();
  const tok = tokenise(raw);
  const pattern = /```([\s\S]*?)```/g;
  let last = 0;
  for (const match of tok.text.matchAll(pattern)) {
    const index = match.index ?? 0;
    appendInline(fragment, tok.text.slice(last, index), tok, ctx);
    const pre = document.createElement('pre');
    pre.className = 'mrkdwn-pre';
    const body = (match[1] ?? '').replace(/^\n/, '').replace(/\n$/, '');
    appendText(pre, body, tok, ctx, 'code');
    fragment.appendChild(pre);
    last = index + match[0].length;
  }
  appendInline(fragment, tok.text.slice(last), tok, ctx);
  return fragment;
}
