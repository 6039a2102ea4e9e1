export const panel = 'panel';
