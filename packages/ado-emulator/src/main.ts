/* eslint-disable no-console */
import { createEmulator } from './createEmulator';
import { demoSeed, loadSeed } from './seed/demoSeed';

async function main() {
  const port = Number(process.env.PORT ?? 7008);
  const host = process.env.HOST ?? '127.0.0.1';
  const seedPath = process.env.ADO_EMULATOR_SEED;
  const emulator = createEmulator({
    seed: seedPath ? loadSeed(seedPath) : demoSeed,
    publicUrl: process.env.ADO_EMULATOR_PUBLIC_URL,
    latencyMs: Number(process.env.EMULATOR_LATENCY_MS ?? 0) || 0,
  });
  const server = await emulator.listen(port, host);
  console.log(
    `ADO emulator listening on ${server.url} (seed: ${
      seedPath ?? 'demo'
    }, PAT: demo-pat)`,
  );
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
