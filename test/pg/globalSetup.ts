import {
  findPgBinaries,
  MISSING_BINARIES,
  PG_BIN_VARIABLE,
  PG_CA_VARIABLE,
  PG_DIR_VARIABLE,
  PG_ERROR_VARIABLE,
  PG_URL_VARIABLE,
  startCluster,
} from './cluster';

/**
 * Starts the test PostgreSQL server once for the whole run. The variables set here reach the
 * test workers, which jest starts afterwards. When no server can be started, the reason is
 * passed on instead: the PostgreSQL tests fail with it, the others still run.
 */
export default async function globalSetup(): Promise<void> {
  const bin = await findPgBinaries();
  if (!bin) {
    process.env[PG_ERROR_VARIABLE] = MISSING_BINARIES;
    return;
  }
  try {
    const cluster = await startCluster(bin);
    process.env[PG_URL_VARIABLE] = cluster.url;
    process.env[PG_CA_VARIABLE] = cluster.caFile;
    process.env[PG_DIR_VARIABLE] = cluster.dir;
    process.env[PG_BIN_VARIABLE] = cluster.bin;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.env[PG_ERROR_VARIABLE] = `The test PostgreSQL server did not start: ${reason}`;
  }
}
