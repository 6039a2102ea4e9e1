import { notAvailable } from '../_not-available.js';

export const planCommand = notAvailable({
  name: 'plan',
  summary: "Write the proxy routes and sync mapping for one candidate's extraction.",
  usage: 'strangler plan --candidate <id> <analysis.json> [--out <dir>]',
  issue: 'issues 5 and 6 (proxy, sync)',
});
