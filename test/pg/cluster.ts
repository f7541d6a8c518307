import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

/**
 * A throwaway PostgreSQL server for the tests: initdb in a temp dir, loopback only, TLS on
 * with a self-signed certificate, fsync off. Started once by jest's globalSetup; test files
 * reach it through TEST_PG_URL and make their own database with `freshDatabase()`.
 */

const run = promisify(execFile);

export const PG_URL_VARIABLE = 'TEST_PG_URL';
/** The server certificate, to verify TLS against (sslrootcert=). */
export const PG_CA_VARIABLE = 'TEST_PG_CA';
export const PG_DIR_VARIABLE = 'TEST_PG_DIR';
export const PG_BIN_VARIABLE = 'TEST_PG_BIN';
/** Set instead of the URL when no server could be started: every PostgreSQL test fails with it. */
export const PG_ERROR_VARIABLE = 'TEST_PG_ERROR';

export const MISSING_BINARIES =
  'PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or pg_config --bindir: install them with `apt-get install postgresql` (.ci/run does).';

export interface PgCluster {
  dir: string;
  bin: string;
  url: string;
  caFile: string;
}

/** The folder holding initdb and pg_ctl, newest version first; null when there is none. */
export async function findPgBinaries(): Promise<string | null> {
  const candidates: string[] = [];
  if (process.env[PG_BIN_VARIABLE]) candidates.push(process.env[PG_BIN_VARIABLE]);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => join(debian, version, 'bin')));
  }
  try {
    candidates.push((await run('pg_config', ['--bindir'])).stdout.trim());
  } catch {
    // No pg_config on PATH: the Debian folders above are the usual place anyway.
  }
  return (
    candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) ??
    null
  );
}

const asRoot = process.getuid?.() === 0;

/**
 * runuser lives in /usr/sbin, which a minimal PATH (a CI runner's, say) may leave out: look
 * there too before relying on PATH.
 */
const RUNUSER =
  ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser', '/bin/runuser'].find((path) =>
    existsSync(path),
  ) ?? 'runuser';

/** initdb and postgres refuse to run as root: run them as the postgres user then. */
function runServerTool(tool: string, args: readonly string[]) {
  return asRoot ? run(RUNUSER, ['-u', 'postgres', '--', tool, ...args]) : run(tool, args);
}

function giveToServer(path: string): void {
  if (!asRoot) return;
  const { uid, gid } = postgresUser();
  chownSync(path, uid, gid);
}

let postgresIds: { uid: number; gid: number } | undefined;
function postgresUser(): { uid: number; gid: number } {
  if (!postgresIds) {
    const passwd = readFileSync('/etc/passwd', 'utf8');
    const line = passwd.split('\n').find((entry) => entry.startsWith('postgres:'));
    const [, , uid, gid] = line?.split(':') ?? [];
    if (uid === undefined || gid === undefined) {
      throw new Error('Running as root, but there is no "postgres" user to run the server as.');
    }
    postgresIds = { uid: Number(uid), gid: Number(gid) };
  }
  return postgresIds;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export interface ClusterOptions {
  /** fsync and synchronous commit on, as a real server: for benchmarks. Tests want speed. */
  durable?: boolean;
}

export async function startCluster(bin: string, options: ClusterOptions = {}): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'book-pg-'));
  giveToServer(dir);
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  giveToServer(passwordFile);

  const caFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  const version = await majorVersion(bin);
  // A linguistic default collation, as hosted servers have (en_US): the book's word index
  // must not depend on the database's collation. ICU as the default needs PostgreSQL 15.
  const collation =
    version >= 15
      ? ['--locale=C.UTF-8', '--locale-provider=icu', '--icu-locale=en-US']
      : ['--locale=C.UTF-8'];
  // initdb and the certificate are independent; doing both at once saves a few hundred ms.
  await Promise.all([
    runServerTool(join(bin, 'initdb'), [
      '--pgdata',
      data,
      '--username=postgres',
      `--pwfile=${passwordFile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      ...collation,
      '--no-sync',
      '--no-instructions',
    ]),
    run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      caFile,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]),
  ]);
  for (const file of ['server.crt', 'server.key']) {
    const target = join(data, file);
    copyFileSync(join(dir, file), target);
    giveToServer(target);
  }

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    writeFileSync(
      join(data, 'postgresql.auto.conf'),
      [
        `port = ${port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        'ssl = on',
        "ssl_cert_file = 'server.crt'",
        "ssl_key_file = 'server.key'",
        // A test server: speed over durability.
        ...(options.durable
          ? []
          : ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']),
        'max_connections = 300',
        '',
      ].join('\n'),
    );
    giveToServer(join(data, 'postgresql.auto.conf'));
    try {
      await runServerTool(join(bin, 'pg_ctl'), [
        '--pgdata',
        data,
        '--log',
        join(dir, 'server.log'),
        '--wait',
        '--timeout=30',
        'start',
      ]);
      return {
        dir,
        bin,
        url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
        caFile,
      };
    } catch (error) {
      // Another process may have taken the port between our probe and the server's bind.
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

async function majorVersion(bin: string): Promise<number> {
  const { stdout } = await run(join(bin, 'initdb'), ['--version']);
  return Number(/(\d+)/.exec(stdout)?.[1] ?? 0);
}

export async function stopCluster(dir: string, bin: string): Promise<void> {
  try {
    await runServerTool(join(bin, 'pg_ctl'), [
      '--pgdata',
      join(dir, 'data'),
      '-m',
      'immediate',
      'stop',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The cluster's admin URL, or the one-line reason the PostgreSQL tests cannot run. */
export function clusterUrl(): string {
  const error = process.env[PG_ERROR_VARIABLE];
  if (error) throw new Error(error);
  const url = process.env[PG_URL_VARIABLE];
  if (!url) {
    throw new Error(
      `${PG_URL_VARIABLE} is not set: jest's globalSetup (test/pg/globalSetup.ts) did not run; add it to jest.config.js.`,
    );
  }
  return url;
}

export function clusterCaFile(): string {
  clusterUrl();
  return process.env[PG_CA_VARIABLE]!;
}

let databases = 0;

/** A new, empty database on the test cluster; returns its URL (password included). */
export async function freshDatabase(): Promise<string> {
  const base = clusterUrl();
  databases += 1;
  const name = `book_${process.pid}_${databases}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}
