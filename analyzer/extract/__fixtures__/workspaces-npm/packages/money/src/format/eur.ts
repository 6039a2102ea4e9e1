import { cents } from '../index.js';

export const eur = (amount: number): string => `${cents(amount) / 100} EUR`;
