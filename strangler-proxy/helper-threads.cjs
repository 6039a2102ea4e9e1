/**
 * Preloaded (`node --require`) into the proxy's serving processes by `strangler proxy`
 * (`--helper-nice`, cli/commands/proxy.ts): lowers the CPU priority of every thread of this
 * process but the main one to the nice value in STRANGLER_HELPER_NICE.
 *
 * A preload runs before any module of the proxy, and before Node's ES module loader has read a
 * file. At that moment the only other threads are Node's platform threads: V8's background
 * workers (concurrent compilation, marking and sweeping), the delayed-task scheduler and the
 * inspector's signal thread. libuv's thread pool (dns.lookup, file system calls) does not exist
 * yet: the main thread creates it later and its threads keep the main thread's priority, so
 * nothing the event loop waits for runs at the lower one.
 *
 * Why: the event loop is the only thread that serves requests. When a background worker is
 * compiling on the CPU where a request arrives, a worker of equal priority keeps the CPU for
 * its slice and the request waits; at nice 19 the main thread takes the CPU back at once
 * (bench/proxy/README.md has the measurements). Linux only (a thread's id is a valid target of
 * setpriority there); elsewhere, and when the value is missing or 0, it does nothing.
 *
 * Plain CommonJS JavaScript, not TypeScript: `--require` runs before any TypeScript loader.
 */
'use strict';
const { readdirSync } = require('node:fs');
const { setPriority } = require('node:os');

const nice = Number(process.env.STRANGLER_HELPER_NICE);
if (process.platform === 'linux' && Number.isInteger(nice) && nice > 0 && nice <= 19) {
  let tasks = [];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    // No /proc: nothing to lower.
  }
  for (const task of tasks) {
    const tid = Number(task);
    if (tid === process.pid) continue;
    try {
      setPriority(tid, nice);
    } catch {
      // A thread that ended meanwhile.
    }
  }
}
