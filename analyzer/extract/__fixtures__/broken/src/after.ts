export const after = 2;
