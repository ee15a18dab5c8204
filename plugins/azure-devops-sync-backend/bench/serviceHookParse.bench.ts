/* eslint-disable no-console */
/**
 * What reading a delivery costs: `parseServiceHook` on the webhook bench's `workitem.updated`
 * (3 KB) beside the zod schema it ran on every delivery before `serviceHookShape.ts`, in one
 * process, JSON.parse included in each figure and also timed alone.
 *
 *   npx tsx plugins/azure-devops-sync-backend/bench/serviceHookParse.bench.ts
 */
import { parseServiceHook, updatedPayloadSchema } from '../src/api/serviceHook';
import { delivery } from './webhookDeliveries';

const texts = Array.from({ length: 2000 }, (_, i) =>
  delivery('collection', 'project', 1000 + i, i + 1),
);

function time(name: string, read: (body: unknown) => unknown) {
  let perDelivery = 0;
  // The last of three rounds: the first ones warm V8 up.
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    for (let k = 0; k < 10; k++)
      for (const text of texts) read(JSON.parse(text));
    perDelivery = ((performance.now() - started) * 1000) / (10 * texts.length);
  }
  console.log(`${name}: ${perDelivery.toFixed(1)} µs per delivery`);
}

time('JSON.parse alone', body => body);
time('JSON.parse + parseServiceHook', body => parseServiceHook(body));
time(
  'JSON.parse + the zod schema (the work parseServiceHook did before)',
  body => updatedPayloadSchema.safeParse(body),
);
