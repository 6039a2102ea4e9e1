export const raw = {};
