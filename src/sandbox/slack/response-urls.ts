import { randomBytes } from 'node:crypto';
import { z } from 'zod';

export const RESPONSE_URL_MAX_POSTS = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

export interface ResponseUrlRecord {
  url: string;
  channelId: string;
  userId: string;
  /** The message whose button produced this URL: replace_original/delete_original act on it. */
  messageTs?: string;
  createdAt: number;
  posts: number;
  expired: boolean;
  /** The last message posted through this URL, which a later replace_original replaces. */
  lastTs?: string;
}

const flag = z.union([z.boolean(), z.enum(['true', 'false'])]).optional();

export const ResponseUrlBody = z.looseObject({
  text: z.string().optional(),
  blocks: z.unknown().optional(),
  response_type: z.enum(['ephemeral', 'in_channel']).optional(),
  replace_original: flag,
  delete_original: flag,
  thread_ts: z.string().optional(),
});
export type ResponseUrlBody = z.infer<typeof ResponseUrlBody>;

/** response_urls handed out with commands and actions, and their 5-posts-in-30-minutes rule. */
export class ResponseUrls {
  private readonly records = new Map<string, ResponseUrlRecord>();

  constructor(private readonly now: () => number) {}

  create(
    baseUrl: string,
    channelId: string,
    userId: string,
    messageTs: string | undefined,
  ): ResponseUrlRecord {
    const id = randomBytes(12).toString('hex');
    const record: ResponseUrlRecord = {
      url: `${baseUrl}/response/${id}`,
      channelId,
      userId,
      messageTs,
      createdAt: this.now(),
      posts: 0,
      expired: false,
    };
    this.records.set(id, record);
    return record;
  }

  /** Makes `messageTs` the message a later replace_original replaces, unless one already is. */
  attach(url: string, messageTs: string): void {
    const record = [...this.records.values()].find((r) => r.url === url);
    if (record && record.messageTs === undefined) record.lastTs ??= messageTs;
  }

  /** The record behind `id` while it still takes posts. */
  usable(id: string): ResponseUrlRecord | undefined {
    const record = this.records.get(id);
    if (!record || record.expired || record.posts >= RESPONSE_URL_MAX_POSTS) return undefined;
    return this.now() - record.createdAt > RESPONSE_URL_TTL_MS ? undefined : record;
  }

  expire(url: string): void {
    const record = [...this.records.values()].find((r) => r.url === url);
    if (record) record.expired = true;
  }
}
