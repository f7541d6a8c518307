import fc from 'fast-check';

/** Seed of every property and fuzz run, so a failure reproduces exactly. */
export const SEED = 20261127;

/** Markup Slack acts on, its escapes, and text that tends to break escaping or parsing. */
export const DANGEROUS_FRAGMENTS = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<!subteam^S123>',
  '<!subteam^S123|@team>',
  '<!channel|x>',
  '<!date^1700000000^{date}|x>',
  '<@U123>',
  '<@W123|bob>',
  '<#C123>',
  '<#C123|general>',
  '<http://evil|bank>',
  '<https://evil.example|https://bank.example>',
  '<mailto:a@b.co|a@b.co>',
  '<tel:+14155550100|+1 415 555 0100>',
  '&',
  '<',
  '>',
  '|',
  '&amp;',
  '&lt;',
  '&gt;',
  '&lt;!channel&gt;',
  '&amp;lt;',
  '*',
  '_',
  '~',
  '`',
  '```',
  '\n',
  '\t',
  '\r\n',
  '\u0000',
  '\u202e',
  '\u200f',
  '\u200b',
  '\ufeff',
  '\u2028',
  '\ud800',
  '😀',
  '👩‍👩‍👧',
  'é',
  'Zoë',
  'עברית',
  '"',
  '\u201c',
  '\u201d',
  '=',
  ' ',
  'update',
  'help',
  'phone=',
  'email=',
  'job_title=',
  'clear=',
  'ic_7Qm2xK9a',
  '../x',
  '%2e%2e',
  '?q=1',
  '#f',
  '+1 415 555 0100',
  'a@b.co',
];

const fragment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...DANGEROUS_FRAGMENTS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

/** Short strings built mostly from dangerous fragments. */
export const fragmentString = fc
  .array(fragment, { minLength: 1, maxLength: 24 })
  .map((parts) => parts.join(''));

/** The same fragment many times: long enough to reach every truncation limit. */
export const longFragmentString = fc
  .tuple(fc.constantFrom(...DANGEROUS_FRAGMENTS), fc.integer({ min: 50, max: 1_600 }))
  .map(([part, times]) => part.repeat(times));

/** Arbitrary text: unicode graphemes, any code point (lone surrogates too), and fragments. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 4, arbitrary: fragmentString },
  { weight: 1, arbitrary: longFragmentString },
);

/** A value as Stuut may return it: any string, or null. */
export const nullableHostile = fc.option(hostileString, { nil: null, freq: 5 });

/** Slack's decoding of the three entities it uses; everything else is left as it is. */
export function decodeEntities(mrkdwn: string): string {
  return mrkdwn.replace(/&(amp|lt|gt);/g, (_whole, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : '>',
  );
}

/**
 * Reports a failure with its seed, path and a readable counterexample: long strings (some
 * cases hold 100 KB) are cut, so the report stays short enough to read in CI.
 */
export const conciseReport: fc.UniversalPlugin = () => ({
  onAllRunsComplete: (details) => {
    if (!details.failed) return;
    const example = JSON.stringify(details.counterexample, (_key, value: unknown) =>
      typeof value === 'string' && value.length > 300
        ? `${value.slice(0, 300)}…(${value.length} characters)`
        : value,
    );
    const cause = details.errorInstance;
    throw new Error(
      [
        `Property failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}", shrunk ${details.numShrinks} times).`,
        `Counterexample: ${example}`,
        `Failure: ${cause instanceof Error ? cause.message : String(cause)}`,
      ].join('\n'),
    );
  },
});
