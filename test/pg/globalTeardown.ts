import { PG_BIN_VARIABLE, PG_DIR_VARIABLE, stopCluster } from './cluster';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env[PG_DIR_VARIABLE];
  const bin = process.env[PG_BIN_VARIABLE];
  if (dir && bin) await stopCluster(dir, bin);
}
