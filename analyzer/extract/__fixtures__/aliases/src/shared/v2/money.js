export const toCents = (amount) => Math.round(amount * 100);
