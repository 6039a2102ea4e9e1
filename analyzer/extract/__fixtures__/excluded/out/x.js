export const emitted = 1;
