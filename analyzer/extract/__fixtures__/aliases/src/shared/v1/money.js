export const toCents = (amount) => amount * 100;
