import { ok } from './ok.js';

export const view = <div>{ok}</div>;
export const = ;
import { after } from './after.js';
