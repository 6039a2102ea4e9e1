import { a } from './a.js';
import { generated } from './gen/big.js';
import { declared } from './types.js';
import { helper } from './__tests__/helper.js';
import { sample } from '../__fixtures__/sample.js';

export const main = [a, generated, declared, helper, sample];
