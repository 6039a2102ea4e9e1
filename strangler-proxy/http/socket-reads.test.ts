import { once } from 'node:events';
import { connect, createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readInto } from './socket-reads.js';

const cleanup: (() => unknown)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A real TCP server on loopback, the accepted socket, and the client's end. */
async function pair(): Promise<{ accepted: Socket; client: Socket }> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(() => new Promise((done) => server.close(done)));
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  cleanup.push(() => client.destroy());
  const [socket] = await accepted;
  cleanup.push(() => socket.destroy());
  return { accepted: socket, client };
}

describe('reads of an accepted socket into a buffer of our own', () => {
  it('delivers every byte through the callback and none as data events, then the end', async () => {
    const { accepted, client } = await pair();
    const buffer = Buffer.alloc(16 * 1024);
    const received: Buffer[] = [];
    const dataEvents: Buffer[] = [];
    expect(readInto(accepted, buffer, (length) => (received.push(Buffer.from(buffer.subarray(0, length))), true))).toBe(true);
    accepted.on('data', (chunk: Buffer) => dataEvents.push(chunk));
    const ended = once(accepted, 'end');
    const sent = Buffer.from(Array.from({ length: 100_000 }, (_, index) => index % 251));
    client.end(sent);
    await ended;
    expect(Buffer.concat(received).equals(sent)).toBe(true);
    // 100,000 bytes cannot fit one 16 KB read: the buffer was reused.
    expect(received.length).toBeGreaterThan(6);
    expect(dataEvents).toEqual([]);
  });

  it('refuses a socket that already reads into a buffer of its own, changing nothing', async () => {
    const { accepted, client } = await pair();
    const first = Buffer.alloc(1024);
    const seen: string[] = [];
    expect(readInto(accepted, first, (length) => (seen.push(first.toString('latin1', 0, length)), true))).toBe(true);
    expect(readInto(accepted, Buffer.alloc(1024), () => true)).toBe(false);
    client.write('still the first');
    while (seen.length === 0) await delay(5);
    expect(seen.join('')).toBe('still the first');
  });

  it('stops reading while paused and goes on after resume', async () => {
    const { accepted, client } = await pair();
    const buffer = Buffer.alloc(1024);
    let text = '';
    readInto(accepted, buffer, (length) => ((text += buffer.toString('latin1', 0, length)), true));
    accepted.pause();
    client.write('held back');
    await delay(100);
    expect(text).toBe('');
    accepted.resume();
    while (text.length < 'held back'.length) await delay(5);
    expect(text).toBe('held back');
  });

  it('leaves a socket with no handle as it is', () => {
    const loose = new Socket();
    cleanup.push(() => loose.destroy());
    expect(readInto(loose, Buffer.alloc(16), () => true)).toBe(false);
  });
});
