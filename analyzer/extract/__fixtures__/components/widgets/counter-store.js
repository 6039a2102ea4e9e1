export const bump = (count) => count + 1;
