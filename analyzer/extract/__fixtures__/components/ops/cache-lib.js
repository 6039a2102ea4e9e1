export const cacheKeys = ['items', 'prices'];
