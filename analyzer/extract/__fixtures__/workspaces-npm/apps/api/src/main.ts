/* eslint-disable */
// @ts-nocheck -- fixture: imports workspace packages that are not installed.
import { cents } from '@acme/money';
import { eur } from '@acme/money/format/eur';
import { secret } from '@acme/money/internal/secret';
import { nope } from '@acme/money/not-exported';
import { invoice } from '@acme/billing';
import legacy from 'legacy-utils';
import { OrderPlaced } from '@acme/contracts';
import lodash from 'lodash';

export const handlers = [cents, eur, secret, nope, invoice, legacy, lodash];
export type Event = OrderPlaced;
