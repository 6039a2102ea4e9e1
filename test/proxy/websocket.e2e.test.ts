/** WebSocket upgrades through the proxy to real upstream processes (package `ws` as the client). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningProxy } from '../../strangler-proxy/index.js';
import type { ServiceProcess } from '../helpers/processes.js';
import { startTestProxy, startUpstream } from './helpers.js';

let monolith: ServiceProcess;
let catalog: ServiceProcess;
let proxy: RunningProxy;

beforeAll(async () => {
  [monolith, catalog] = await Promise.all([startUpstream('monolith'), startUpstream('catalog')]);
  proxy = await startTestProxy({
    monolith: { instances: [monolith.baseUrl] },
    services: { catalog: { instances: [catalog.baseUrl] }, dead: { instances: ['http://127.0.0.1:1'] } },
    routes: [
      { id: 'live', match: { path: '/api/catalog/live' }, service: 'catalog', rewrite: { stripPrefix: '/api/catalog' } },
      { id: 'dead', match: { path: '/dead' }, service: 'dead' },
    ],
  });
});

afterAll(async () => {
  await proxy?.close();
  await Promise.all([monolith?.stop(), catalog?.stop()]);
});

function converse(url: string, messages: Array<string | Buffer>): Promise<{ hello: unknown; echoes: Array<string | Buffer> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let hello: unknown;
    const echoes: Array<string | Buffer> = [];
    socket.on('message', (data: Buffer, isBinary) => {
      if (hello === undefined) {
        hello = JSON.parse(data.toString()) as unknown;
        for (const message of messages) socket.send(message);
        return;
      }
      echoes.push(isBinary ? data : data.toString());
      if (echoes.length === messages.length) socket.close();
    });
    socket.on('close', () => resolve({ hello, echoes }));
    socket.on('error', reject);
  });
}

describe('WebSocket through the proxy', () => {
  it('tunnels to the routed service, with the path rewritten, both directions, text and binary', async () => {
    const binary = Buffer.from([0, 1, 2, 250, 255]);
    const big = 'x'.repeat(200_000);
    const { hello, echoes } = await converse(`${proxy.url.replace('http', 'ws')}/api/catalog/live?room=1`, ['hi', binary, big]);
    expect(hello).toEqual({ name: 'catalog', url: '/live?room=1' });
    expect(echoes).toEqual(['hi', binary, big]);
  });

  it('tunnels everything else to the monolith', async () => {
    const { hello, echoes } = await converse(`${proxy.url.replace('http', 'ws')}/chat`, ['one', 'two']);
    expect(hello).toEqual({ name: 'monolith', url: '/chat' });
    expect(echoes).toEqual(['one', 'two']);
  });

  it('falls back to the monolith when the service cannot be reached', async () => {
    const { hello } = await converse(`${proxy.url.replace('http', 'ws')}/dead`, ['x']);
    expect(hello).toEqual({ name: 'monolith', url: '/dead' });
  });

  it('holds many sockets at once', async () => {
    const conversations = await Promise.all(
      Array.from({ length: 40 }, (_, i) => converse(`${proxy.url.replace('http', 'ws')}/api/catalog/live?n=${i}`, [`m${i}`])),
    );
    conversations.forEach((conversation, i) => expect(conversation.echoes).toEqual([`m${i}`]));
  });
});
