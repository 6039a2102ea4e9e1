import { db } from '../server/db.js';

await db.raw('select 1');
await db.destroy();
