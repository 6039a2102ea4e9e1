/* eslint-disable */
// @ts-nocheck -- fixture: CommonJS forms, an unresolved import and a self-import on purpose.
import { createOrder, type OrderId } from './orders/index.js';
import * as handlers from './handlers';
import type { Money } from './money/money.js';
import { type Currency } from './money/money.js';
import { format, parse } from './money/money.js';
import { Customer, CustomerId } from './customers/types.js';
import { Tax } from './barrel.js';
import pay from './vendor/pay';
import legacy = require('./legacy.cjs');
import { helper } from './util.mjs';
import './setup.js';
import { globalsThing } from './globals.js';
import data from './data.json' with { type: 'json' };
import { gone } from './missing.js';
import express from 'express';
import { readFile } from 'node:fs';
import path from 'path';
import { lazy } from './main.js';

export { Customer } from './customers/types.js';

const report = require('./report.js');

export async function load(name: string) {
  const panel = await import('./lazy/panel.js');
  const chart = await import(`./lazy/chart.js`);
  const chosen = await import(`./lazy/${name}.js`);
  return [panel, chart, chosen];
}

type Draft = import('./orders/types.js').OrderDraft;

export const all = [createOrder, handlers, format, parse, pay, legacy, helper, globalsThing, data, gone, express, readFile, path, lazy, report];
export type Everything = [OrderId, Money, Currency, Customer, CustomerId, Tax, Draft];
