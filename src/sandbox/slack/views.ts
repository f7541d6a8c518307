import {
  computeState,
  inputBlocks,
  isRecord,
  optionalString,
  randomToken,
  toTextObject,
  typedStateValue,
  withGeneratedIds,
} from './blocks';
import type { JsonObject, SlackView, StoredView } from './types';

/** Slack lets an app push two views on top of the one it opened. */
export const MAX_STACK = 3;

export type ViewResult = { ok: true; view: StoredView } | { ok: false; error: string };

export interface ViewStoreOptions {
  teamId: string;
  appId: string;
  botId: string;
  now: () => number;
}

/** Strips what the emulator keeps for itself, leaving the view as Slack shows it to apps. */
export function toSlackView(stored: StoredView): SlackView {
  const { userId: _user, closed: _closed, errors: _errors, ...view } = structuredClone(stored);
  return view;
}

/**
 * Modal views and their per-person stacks. Specs given here are already validated; this
 * only keeps ids, hashes, stacks and state the way Slack does.
 */
export class ViewStore {
  private readonly views = new Map<string, StoredView>();
  /** userId → view ids, root first. */
  private readonly stacks = new Map<string, string[]>();
  private counter = 0;

  constructor(private readonly options: ViewStoreOptions) {}

  get(viewId: string): StoredView | undefined {
    return this.views.get(viewId);
  }

  findOpenByExternalId(externalId: string): StoredView | undefined {
    return [...this.views.values()].find((v) => !v.closed && v.external_id === externalId);
  }

  /** Open views, each person's stack root first. */
  openViews(): StoredView[] {
    return [...this.stacks.values()].flatMap((ids) =>
      ids.map((id) => this.views.get(id)).filter((v): v is StoredView => v !== undefined),
    );
  }

  topOf(userId: string): StoredView | undefined {
    const id = this.stacks.get(userId)?.at(-1);
    return id === undefined ? undefined : this.views.get(id);
  }

  /** A person sees one modal at a time: opening a new one closes whatever was open. */
  open(userId: string, spec: JsonObject): ViewResult {
    this.clear(userId);
    const id = this.nextId();
    const view = this.build(spec, { id, userId, rootViewId: id, previousViewId: null });
    this.views.set(id, view);
    this.stacks.set(userId, [id]);
    return { ok: true, view };
  }

  push(userId: string, spec: JsonObject): ViewResult {
    const stack = this.stacks.get(userId);
    const top = stack?.at(-1);
    if (!stack || top === undefined) return { ok: false, error: 'not_found' };
    if (stack.length >= MAX_STACK) return { ok: false, error: 'push_limit_reached' };
    const id = this.nextId();
    const rootViewId = stack[0] ?? id;
    const view = this.build(spec, { id, userId, rootViewId, previousViewId: top });
    this.views.set(id, view);
    stack.push(id);
    return { ok: true, view };
  }

  update(viewId: string, spec: JsonObject): ViewResult {
    const current = this.views.get(viewId);
    if (!current || current.closed) return { ok: false, error: 'not_found' };
    const view = this.build(spec, {
      id: current.id,
      userId: current.userId,
      rootViewId: current.root_view_id,
      previousViewId: current.previous_view_id,
      previous: current,
    });
    this.views.set(viewId, view);
    return { ok: true, view };
  }

  /** Cancel on one view: it and anything stacked above it go, the one below shows again. */
  pop(viewId: string): void {
    const view = this.views.get(viewId);
    if (!view || view.closed) return;
    const stack = this.stacks.get(view.userId) ?? [];
    const index = stack.indexOf(viewId);
    for (const id of stack.splice(index === -1 ? stack.length : index)) this.markClosed(id);
    this.markClosed(viewId);
    if (!stack.length) this.stacks.delete(view.userId);
  }

  /** The whole modal goes away (X, `clear`, or `clear_on_close`). */
  clear(userId: string): void {
    for (const id of this.stacks.get(userId) ?? []) this.markClosed(id);
    this.stacks.delete(userId);
  }

  setErrors(viewId: string, errors: Record<string, string> | null): void {
    const view = this.views.get(viewId);
    if (view) view.errors = errors;
  }

  typeInto(viewId: string, blockId: string, input: string | null | string[]): void {
    const view = this.views.get(viewId);
    if (!view || view.closed) throw new Error(`view ${viewId} is not open`);
    const target = inputBlocks(view.blocks).find((b) => b.blockId === blockId);
    if (!target) throw new Error(`view ${viewId} has no input block '${blockId}'`);
    view.state.values[blockId] = {
      [target.actionId]: typedStateValue(target.element, input),
    };
  }

  private markClosed(viewId: string): void {
    const view = this.views.get(viewId);
    if (view) view.closed = true;
  }

  private nextId(): string {
    this.counter += 1;
    return `V${this.counter.toString(36).toUpperCase().padStart(9, '0')}`;
  }

  private build(
    spec: JsonObject,
    place: {
      id: string;
      userId: string;
      rootViewId: string;
      previousViewId: string | null;
      previous?: StoredView;
    },
  ): StoredView {
    const { teamId, appId, botId, now } = this.options;
    const blocks = withGeneratedIds(Array.isArray(spec.blocks) ? spec.blocks : []);
    return {
      id: place.id,
      team_id: teamId,
      type: 'modal',
      callback_id: optionalString(spec.callback_id) ?? '',
      private_metadata: optionalString(spec.private_metadata) ?? '',
      external_id: optionalString(spec.external_id) ?? '',
      title: toTextObject(spec.title),
      submit: isRecord(spec.submit) ? toTextObject(spec.submit) : null,
      close: isRecord(spec.close) ? toTextObject(spec.close) : null,
      blocks,
      state: computeState(blocks, place.previous?.state),
      hash: `${Math.floor(now() / 1000)}.${randomToken(8)}`,
      root_view_id: place.rootViewId,
      previous_view_id: place.previousViewId,
      app_id: appId,
      bot_id: botId,
      app_installed_team_id: teamId,
      clear_on_close: spec.clear_on_close === true,
      notify_on_close: spec.notify_on_close === true,
      submit_disabled: spec.submit_disabled === true,
      userId: place.userId,
      closed: false,
      errors: null,
    };
  }
}
