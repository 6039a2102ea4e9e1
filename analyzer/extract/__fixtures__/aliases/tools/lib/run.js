export const run = () => 'done';
