import { a } from './a.js';

export const spec = a;
