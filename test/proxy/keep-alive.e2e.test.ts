/**
 * The stale keep-alive race through the whole proxy: an upstream process that sends no
 * Keep-Alive hint and closes connections idle for 40 ms, asked every 30–50 ms, so that some
 * requests go out on a connection the upstream is closing at that moment. A GET caught that
 * way is sent again on a new connection: the client sees no error, and the upstream sees
 * every request exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../strangler-proxy/index.js';
import type { ServiceProcess } from '../helpers/processes.js';
import { get, sleep, startTestProxy, startUpstream, upstreamCount } from './helpers.js';

let monolith: ServiceProcess | undefined;
let proxy: RunningProxy | undefined;

afterAll(async () => {
  await proxy?.close();
  await monolith?.stop();
});

describe('keep-alive connections the upstream closes', () => {
  it('gives no client-visible error and sends each GET once when the upstream closes idle connections without a hint', async () => {
    monolith = await startUpstream('monolith', { IDLE_CLOSE_MS: '40' });
    proxy = await startTestProxy({ monolith: { instances: [monolith.baseUrl] } });
    const before = await upstreamCount(monolith);
    const statuses: number[] = [];
    for (let index = 0; index < 120; index++) {
      statuses.push((await get(`${proxy.url}/items/${index}`)).status);
      await sleep(30 + (index % 5) * 5);
    }
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect((await upstreamCount(monolith)) - before).toBe(120);
  });
});
