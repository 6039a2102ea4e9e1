// Starts an embedded PostgreSQL, prints its URL and directory, and waits to be killed.
import { startEmbeddedPostgres } from '../embedded-postgres.js';

const server = await startEmbeddedPostgres();
process.stdout.write(JSON.stringify({ url: server.url, directory: server.directory }) + '\n');
setInterval(() => undefined, 60_000);
