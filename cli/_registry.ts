import type { Command } from './_command.js';

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

/** Every subcommand, loaded only when it runs. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'analyze',
    summary: 'Analyze a TS/JS codebase and propose service boundaries (writes analysis.json and reports).',
    load: async () => (await import('./commands/analyze.js')).analyzeCommand,
  },
  {
    name: 'report',
    summary: 'Render the HTML or Markdown report again from an analysis.json.',
    load: async () => (await import('./commands/report.js')).reportCommand,
  },
  {
    name: 'plan',
    summary: "Write the proxy routes and sync mapping for one candidate's extraction.",
    load: async () => (await import('./commands/plan.js')).planCommand,
  },
  {
    name: 'proxy',
    summary: 'Run the strangler proxy in front of the monolith.',
    load: async () => (await import('./commands/proxy.js')).proxyCommand,
  },
  {
    name: 'sync',
    summary: "Keep the extracted service's database in sync with the monolith's (CDC).",
    load: async () => (await import('./commands/sync.js')).syncCommand,
  },
  {
    name: 'demo',
    summary: 'Run the sample monolith on an embedded PostgreSQL and walk through the toolkit.',
    load: async () => (await import('./commands/demo.js')).demoCommand,
  },
];
