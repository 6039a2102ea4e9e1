import * as self from './report.js';

export const report = 'monthly';
export const selfReference = self;
