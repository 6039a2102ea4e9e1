export const db = { connected: true };
