import { describe, expect, it } from 'vitest';
import { parseWrk } from './wrk.js';

const REPORT = `Running 3s test @ http://127.0.0.1:40001/1k
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.26ms    5.10ms  60.00ms   92.00%
    Req/Sec     9.80k     1.20k   11.00k    70.00%
  Latency Distribution
     50%  850.00us
     75%    1.20ms
     90%    2.50ms
     99%   33.36ms
  29289 requests in 3.00s, 33.30MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   9763.10
Transfer/sec:     11.10MB
`;

describe('parseWrk', () => {
  it('reads throughput, percentiles in any unit, bytes and errors', () => {
    expect(parseWrk(REPORT, { url: 'http://127.0.0.1:40001/1k', connections: 50, seconds: 3 })).toEqual({
      url: 'http://127.0.0.1:40001/1k',
      connections: 50,
      seconds: 3,
      requests: 29289,
      rps: 9763.1,
      p50: 0.85,
      p90: 2.5,
      p99: 33.36,
      transferMBps: 11.1,
      errors: 7,
    });
  });

  it('refuses a report it cannot read', () => {
    expect(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused\n', { url: 'x', connections: 1, seconds: 1 })).toThrow(
      /cannot read the report/,
    );
  });
});
