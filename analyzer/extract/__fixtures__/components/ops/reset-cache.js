import { db } from '../server/db.js';
import { cacheKeys } from './cache-lib.js';

for (const key of cacheKeys) await db('cache').where({ key }).delete();
await db.destroy();
