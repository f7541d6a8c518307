// PostgreSQL for the benchmarks: BENCH_DATABASE_URL (an empty database, which it fills), or a
// throwaway local server started as the tests start theirs (test/pg/cluster.ts, which Node 24
// loads directly), with fsync and synchronous commit on, as a real server runs.
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Client } = require('pg');

async function withClient(url, work) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * `fresh()` gives the URL of a new, empty database on the server (its password included);
 * `stop()` stops a server this started and removes its files.
 */
async function postgresServer() {
  if (process.env.BENCH_DATABASE_URL) {
    let given = false;
    return {
      kind: 'BENCH_DATABASE_URL',
      cpuMs: () => Number.NaN,
      fresh: async () => {
        if (given) throw new Error('BENCH_DATABASE_URL is one database: run one engine pass only');
        given = true;
        return process.env.BENCH_DATABASE_URL;
      },
      stop: async () => {},
    };
  }
  const cluster = require('../test/pg/cluster.ts');
  const bin = await cluster.findPgBinaries();
  if (!bin) throw new Error(cluster.MISSING_BINARIES);
  const server = await cluster.startCluster(bin, { durable: true });
  process.env[cluster.PG_URL_VARIABLE] = server.url;
  return {
    kind: 'throwaway',
    cpuMs: () => serverCpuMs(join(server.dir, 'data')),
    fresh: () => cluster.freshDatabase(),
    stop: () => cluster.stopCluster(server.dir, server.bin),
  };
}

/** utime, stime, cutime, cstime of a process, in ms (clock ticks of 10 ms); null when gone. */
function times(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      own: (Number(fields[11]) + Number(fields[12])) * 10,
      reaped: (Number(fields[13]) + Number(fields[14])) * 10,
    };
  } catch {
    return null;
  }
}

/**
 * The CPU time the server has used so far, in ms: the postmaster's, its live children's
 * (the connections' backends, background workers), and that of children already gone.
 */
function serverCpuMs(dataDir) {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const main = times(postmaster);
  if (!main) return Number.NaN;
  let total = main.own + main.reaped;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = times(entry);
    if (child?.ppid === postmaster) total += child.own;
  }
  return total;
}

/**
 * What autovacuum does within a minute or so of a bulk write: statistics for the planner, and
 * the visibility map that lets index-only scans skip the table.
 */
function vacuumAnalyze(url) {
  return withClient(url, (client) => client.query('vacuum analyze'));
}

/** The server's version and durability settings, for the README. */
function describeServer(url) {
  return withClient(url, async (client) => {
    const setting = async (name) => (await client.query(`show ${name}`)).rows[0][name];
    return {
      version: (await setting('server_version')).split(' ')[0],
      fsync: await setting('fsync'),
      synchronousCommit: await setting('synchronous_commit'),
    };
  });
}

module.exports = { postgresServer, vacuumAnalyze, describeServer, withClient };
