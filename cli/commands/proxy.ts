import { notAvailable } from '../_not-available.js';

export const proxyCommand = notAvailable({
  name: 'proxy',
  summary: 'Run the strangler proxy in front of the monolith.',
  usage: 'strangler proxy --config <strangler.yaml> [--workers <n>]',
  issue: 'issue 5 (strangler-proxy)',
});
