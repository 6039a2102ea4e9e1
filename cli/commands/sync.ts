import { notAvailable } from '../_not-available.js';

export const syncCommand = notAvailable({
  name: 'sync',
  summary: "Keep the extracted service's database in sync with the monolith's (CDC).",
  usage: 'strangler sync [run|status|verify|drop] --config <sync.yaml>',
  issue: 'issue 6 (sync)',
});
