export const generated = 1;
