export const product = { name: 'lamp' };
