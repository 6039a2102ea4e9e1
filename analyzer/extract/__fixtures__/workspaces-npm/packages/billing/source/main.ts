/* eslint-disable */
// @ts-nocheck -- fixture: imports a workspace package that is not installed.
import { cents } from '@acme/money';

export const invoice = (amount: number): number => cents(amount);
