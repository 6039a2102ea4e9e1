export const legacyRound = (amount) => Math.round(amount);
