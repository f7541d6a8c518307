/**
 * A Slack member named in a command. With `should_escape: true` Slack sends a mention the person
 * picked as `<@U0PRIYA|priya>` (or `<@U0PRIYA>`; `W…` ids on Enterprise Grid). `decodeSlackText`
 * leaves it as it is, so the query of `/contact update @priya` reaches here intact. With
 * `should_escape: false` the same command arrives as the text `@priya`: no mention, a name.
 */
const MEMBER_MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^<>|]*)?>$/;

/** The user id of a query that is exactly one member mention; null for anything else. */
export function parseMemberMention(query: string): string | null {
  const match = MEMBER_MENTION.exec(query.trim());
  return match?.[1] ?? null;
}
