import { db } from '@db';
import { slugify } from 'src/lib/util.js';
import { toCents } from '@shared/money.js';
import { legacyRound } from '@shared/legacy.js';
import { nothing } from '@app/missing.js';
import express from 'express';

export function placeOrder(name) {
  return [db, slugify(name), toCents, legacyRound, nothing, express];
}
