export const demo = true;
