import { run } from '@app/run.js';

export const main = run;
