/* eslint-disable */
if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set');
