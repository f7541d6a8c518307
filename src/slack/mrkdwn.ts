/**
 * Slack treats `<…>` as markup (mentions, `<!channel>`, links with labels) and `&` as its
 * escape. Replacing these three, and nothing else, is Slack's documented escaping, so user
 * or API text can never ping, mention or disguise a link.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Slack date token: shown in each reader's own time zone, with a plain fallback. */
export function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  // An unreadable date comes from the API, not from the bot: shown as text, and kept short.
  if (Number.isNaN(ms)) return escapeToFit(iso, 64);
  const seconds = Math.floor(ms / 1000);
  const fallback = new Date(seconds * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC');
  return `<!date^${seconds}^{date_short_pretty} at {time}|${fallback}>`;
}

export function userMention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

export function channelMention(channelId: string): string {
  return /^[CG][A-Z0-9]+$/.test(channelId) ? `<#${channelId}>` : 'this conversation';
}

/**
 * Slack text objects hold 1–3000 characters; longer user text is cut with a visible mark.
 * The cut never splits one of Slack's entities (`&amp;`, `&lt;`, `&gt;`), so text that was
 * escaped before the cut still reads right and holds no stray `&`.
 */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max - 1).join('');
  const split = /&[a-z]{0,4}$/.exec(cut);
  const entity = split && /^&(?:amp|lt|gt);/.test(text.slice(split.index, split.index + 5));
  return `${entity ? cut.slice(0, split.index) : cut}…`;
}

/**
 * Cuts finished mrkdwn to Slack's limit without splitting an entity (`&amp;`), so escaping
 * done before the cut stays intact. Escape first, then fit: escaping can grow text fivefold.
 */
export function fitMrkdwn(mrkdwn: string, max: number): string {
  if ([...mrkdwn].length <= max) return mrkdwn;
  const cut = [...mrkdwn].slice(0, max - 1).join('');
  return `${cut.replace(/&[a-z]{0,4}$/, '')}…`;
}

/** User or API text for mrkdwn: escaped, then fitted to `max`. */
export function escapeToFit(text: string, max: number): string {
  return fitMrkdwn(escapeMrkdwn(text), max);
}
