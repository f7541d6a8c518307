import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { Book } from '../../src/book/book';
import { openBook } from '../../src/book/open';
import type { CliIo } from '../../src/cli/common';
import { FORGET_HELP, runForget } from '../../src/cli/forget';
import { IMPORT_HELP, runImport } from '../../src/cli/import';

const GOOD_AND_BAD = [
  'id,email,given_name,family_name,phone,job_title',
  'ic_priya,priya.raman@example.com,Priya,Raman,(415) 555-0100,Customer Success Manager',
  'ic_bad,bad@example.com,Bad,Phone,12,Nobody',
  'ic_siobhan,siobhan@example.com,Siobhán,Ó Briain,,',
  '',
].join('\n');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let bookPath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
  bookPath = join(dir, 'book.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function collector(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function run(
  tool: typeof runImport | typeof runForget,
  args: string[],
  stdin = '',
  env: NodeJS.ProcessEnv = { CONTACT_BOOK_PATH: bookPath },
): Promise<Run> {
  const stdout = collector();
  const stderr = collector();
  const io: CliIo = {
    stdin: Readable.from([stdin]),
    stdout: stdout.stream,
    stderr: stderr.stream,
    env,
  };
  const code = await tool(args, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function csvFile(content: string, name = 'contacts.csv'): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function withBook<T>(use: (book: Book) => Promise<T>): Promise<T> {
  const book = await openBook({ engine: 'sqlite', path: bookPath });
  try {
    return await use(book);
  } finally {
    await book.close();
  }
}

describe('npm run import', () => {
  it('skips a bad row naming its line and reason, imports the rest, and exits 1', async () => {
    const result = await run(runImport, [csvFile(GOOD_AND_BAD)]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^line 3: phone: /)]);
    expect(result.stderr).not.toContain('bad@example.com');
    expect(result.stdout).toContain('added      2');
    expect(result.stdout).toContain('refused    1');

    await withBook(async (book) => {
      expect((await book.search('pri ram', 10)).matches.map((entry) => entry.id)).toEqual([
        'ic_priya',
      ]);
      expect((await book.get('ic_priya'))?.values.phone).toBe('+14155550100');
      expect((await book.search('siobhan', 10)).total).toBe(1);
      expect(await book.get('ic_bad')).toBeNull();
      expect((await book.get('ic_siobhan'))?.values.job_title).toBeNull();
    });
  });

  it('changes nothing the second time, and exits 0 when every row is taken', async () => {
    const file = csvFile('id,email,name\nic_a,a@example.com,Ann\nic_b,b@example.com,Bo\n');
    const first = await run(runImport, [file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('added      2');
    const second = await run(runImport, [file]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/added {6}0\n {2}updated {4}0\n {2}unchanged {2}2\n/);
    expect(second.stderr).toBe('');
  });

  it('reads quoted fields with commas and line breaks, and counts lines across them', async () => {
    const file = csvFile(
      [
        'id,email,name,job_title',
        'ic_a,a@example.com,"Raman, Priya","Head of ""Success"""',
        'ic_b,b@example.com,Bo,"two',
        'lines"',
        'ic_c,c@example.com,"Cy, the third",',
        'ic_d,d@example.com,Di,"unclosed',
      ].join('\r\n'),
    );
    const result = await run(runImport, [file]);
    // A line break inside a field is refused as the form refuses it; the next row's line
    // number still counts the break.
    expect(result.stderr).toMatch(/^line 3: job_title: Remove the line breaks/m);
    expect(result.stderr).toMatch(
      /^Stopped reading .*: line 6: not valid CSV: a quoted field is never closed$/m,
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('added      2');
    await withBook(async (book) => {
      expect((await book.get('ic_a'))?.values).toMatchObject({
        name: 'Raman, Priya',
        job_title: 'Head of "Success"',
      });
      expect((await book.get('ic_c'))?.values.name).toBe('Cy, the third');
    });
  });

  it('reads standard input given "-"', async () => {
    const result = await run(runImport, ['-'], 'id,email\nic_in,in@example.com\n');
    expect(result.code).toBe(0);
    await withBook(async (book) => expect(await book.get('ic_in')).not.toBeNull());
  });

  it('reads CRLF line ends split across chunks', async () => {
    const stdout = collector();
    const stderr = collector();
    const stdin = Readable.from(['id,email\r', '\nic_a,a@example.com\r', '\nic_b,bad\r\n']);
    const env = { CONTACT_BOOK_PATH: bookPath };
    const code = await runImport(['-'], {
      stdin,
      stdout: stdout.stream,
      stderr: stderr.stream,
      env,
    });
    expect(code).toBe(1);
    expect(stderr.text()).toMatch(/^line 3: email: /);
  });

  it('refuses a second row for the same id, naming the first', async () => {
    const result = await run(
      runImport,
      ['-'],
      'id,email\nic_a,a@example.com\nic_a,other@example.com\n',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'line 3: id: the same id is on line 2; each contact may appear once\n',
    );
    await withBook(async (book) =>
      expect((await book.get('ic_a'))?.values.email).toBe('a@example.com'),
    );
  });

  it('never overwrites what the book learned from Stuut', async () => {
    await withBook((book) =>
      book.learn(
        {
          id: 'ic_a',
          object: 'internal_contact',
          created_at: '2024-01-01T00:00:00Z',
          modified_at: null,
          email: 'stuut@example.com',
          given_name: null,
          family_name: null,
          name: 'From Stuut',
          phone: null,
          job_title: null,
        },
        new Date(),
      ),
    );
    const result = await run(runImport, ['-'], 'id,email,name\nic_a,a@example.com,From CSV\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("kept       1  (the book has Stuut's own values for these)");
    await withBook(async (book) =>
      expect((await book.get('ic_a'))?.values.name).toBe('From Stuut'),
    );
  });

  it('rows with too few or too many fields, ids of the wrong shape, and missing emails are refused', async () => {
    const result = await run(
      runImport,
      ['-'],
      'ID, Email ,notes\nic_a,a@example.com\nic b,b@example.com,x\nic_c,,x\n',
    );
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      'Ignoring the columns "notes": the book keeps only the contact fields.',
      'line 2: has 2 fields where the header has 3',
      expect.stringMatching(/^line 3: id: A contact id is/),
      'line 4: email: missing (every contact needs one)',
      '',
    ]);
  });

  it('stops with exit 2 and one line when a required column is missing', async () => {
    const result = await run(runImport, ['-'], 'id,name\nic_a,Ann\n');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'The header has no "email" column; the first row must name the columns (id and email are required).\n',
    );
    expect(existsSync(bookPath)).toBe(false);
  });

  it('stops with exit 2 on a file it cannot read, an empty input, or an unusable book', async () => {
    const missing = await run(runImport, [join(dir, 'nope.csv')]);
    expect(missing).toMatchObject({
      code: 2,
      stderr: `Cannot read ${join(dir, 'nope.csv')}: no such file (ENOENT)\n`,
    });

    const empty = await run(runImport, ['-'], '');
    expect(empty).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^standard input is empty/),
    });

    writeFileSync(join(dir, 'file'), '');
    const unusable = await run(runImport, ['-'], 'id,email\nic_a,a@example.com\n', {
      CONTACT_BOOK_PATH: join(dir, 'file', 'book.sqlite'),
    });
    expect(unusable.code).toBe(2);
    expect(unusable.stderr).toMatch(
      /^CONTACT_BOOK_PATH: cannot open the contact book at .*\(EEXIST\)\n$/,
    );

    const country = await run(runImport, ['-'], 'id,email\n', { DEFAULT_PHONE_COUNTRY: 'XX' });
    expect(country.code).toBe(2);
    expect(country.stderr).toMatch(/^DEFAULT_PHONE_COUNTRY: /);
  });

  it('uses DEFAULT_PHONE_COUNTRY for numbers without a country code', async () => {
    const result = await run(
      runImport,
      ['-'],
      'id,email,phone\nic_uk,uk@example.com,020 7946 0958\n',
      {
        CONTACT_BOOK_PATH: bookPath,
        DEFAULT_PHONE_COUNTRY: 'gb',
      },
    );
    expect(result.code).toBe(0);
    await withBook(async (book) =>
      expect((await book.get('ic_uk'))?.values.phone).toBe('+442079460958'),
    );
  });

  it('explains itself with --help', async () => {
    const result = await run(runImport, ['--help']);
    expect(result).toEqual({ code: 0, stdout: `${IMPORT_HELP}\n`, stderr: '' });
    expect((await run(runImport, [])).code).toBe(2);
  });
});

describe('npm run forget', () => {
  it('exits 0 when it removed the contact and 1 when the book did not have it', async () => {
    await run(runImport, ['-'], 'id,email\nic_a,a@example.com\n');
    const removed = await run(runForget, ['ic_a']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^Removed contact ic_a from the contact book \(SQLite file /);
    const again = await run(runForget, ['ic_a']);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/has no contact ic_a; nothing removed\.\n$/);
    await withBook(async (book) =>
      expect(await book.search('a', 10)).toEqual({ matches: [], total: 0 }),
    );
  });

  it('removes the contact’s history with it, and its help says so', async () => {
    await run(runImport, ['-'], 'id,email\nic_a,a@example.com\nic_b,b@example.com\n');
    await withBook(async (book) => {
      for (const id of ['ic_a', 'ic_b']) {
        await book.learnChange(
          {
            id,
            object: 'internal_contact',
            created_at: '2025-01-01T00:00:00Z',
            modified_at: null,
            email: `${id.slice(3)}@example.com`,
            given_name: null,
            family_name: null,
            name: null,
            phone: null,
            job_title: 'Renewals',
          },
          new Date(),
          {
            contactId: id,
            slackUser: 'U0ALICE',
            slackTeam: null,
            source: 'form',
            changes: [{ field: 'job_title', before: undefined, after: 'Renewals' }],
            modifiedAt: null,
          },
        );
      }
    });
    expect((await run(runForget, ['ic_a'])).code).toBe(0);
    await withBook(async (book) => {
      expect((await book.history('ic_a', { limit: 10 })).changes).toEqual([]);
      expect((await book.history('ic_b', { limit: 10 })).changes).toHaveLength(1);
    });
    // Whoever runs it to honour a removal request must learn that the history goes too.
    expect(FORGET_HELP).toMatch(/histor/i);
  });

  it('exits 2 for anything but one well-formed id, and documents its exit status', async () => {
    expect((await run(runForget, [])).code).toBe(2);
    expect((await run(runForget, ['a b'])).code).toBe(2);
    expect((await run(runForget, ['a', 'b'])).code).toBe(2);
    expect(FORGET_HELP).toMatch(/0 the contact was removed; 1 the book had no such contact/);
  });
});

describe('the built command-line tools', () => {
  const root = resolve(__dirname, '../..');
  const built = (tool: string) => join(root, 'dist', 'cli', `${tool}.js`);

  function spawn(tool: string, args: string[], stdin: string): Promise<Run> {
    return new Promise((resolvePromise, reject) => {
      const child = execFile(
        process.execPath,
        [built(tool), ...args],
        { cwd: dir, env: { PATH: process.env.PATH, CONTACT_BOOK_PATH: bookPath } },
        (error, stdout, stderr) => {
          const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
          if (code === -1) reject(error);
          else resolvePromise({ code, stdout, stderr });
        },
      );
      child.stdin?.end(stdin);
    });
  }

  beforeAll(() => {
    if (!existsSync(built('import'))) {
      throw new Error('dist/cli/import.js is missing: run `npm run build` first (npm test does).');
    }
  });

  it('import and forget run as processes with their exit codes', async () => {
    const imported = await spawn(
      'import',
      ['-'],
      'id,email,name\nic_a,a@example.com,Ann\nic_b,b@example.com,"Bo\n',
    );
    expect(imported.code).toBe(2);
    expect(imported.stdout).toContain('added      1');
    const forgotten = await spawn('forget', ['ic_a'], '');
    expect(forgotten).toMatchObject({ code: 0, stderr: '' });
    const unknown = await spawn('forget', ['ic_a'], '');
    expect(unknown.code).toBe(1);
  });

  it('imports into a SQLite book that the bot is writing to at the same time', async () => {
    const csv = [
      'id,email,name',
      ...Array.from({ length: 3000 }, (_, i) => `ic_${i},c${i}@example.com,Bulk ${i}`),
    ];
    await withBook(async (book) => {
      const importing = spawn('import', ['-'], `${csv.join('\n')}\n`);
      let learned = 0;
      let done = false;
      const finish = () => {
        done = true;
      };
      importing.then(finish, finish);
      // The bot's writes wait for the import's batches (busy timeout), and go on between them.
      do {
        await book.learn(
          {
            id: 'ic_bot',
            object: 'internal_contact',
            created_at: '2024-01-01T00:00:00Z',
            modified_at: null,
            email: 'bot@example.com',
            given_name: null,
            family_name: null,
            name: `Learned ${learned}`,
            phone: null,
            job_title: null,
          },
          new Date(),
        );
        learned++;
        // node:sqlite answers synchronously: let the child's exit be noticed.
        await new Promise((resolve) => setImmediate(resolve));
      } while (!done);
      const imported = await importing;
      expect(imported.stderr).toBe('');
      expect(imported.code).toBe(0);
      expect(imported.stdout).toContain('added      3000');
      expect((await book.search('bulk', 10)).total).toBe(3000);
      expect((await book.get('ic_bot'))?.version).toBe(learned);
    });
  });
});
