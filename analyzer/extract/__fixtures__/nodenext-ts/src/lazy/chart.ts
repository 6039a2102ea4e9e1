export const chart = 'chart';
