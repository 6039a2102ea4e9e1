import { now } from '@shop/kernel';
import { tick } from '@shop/kernel/src/clock.js';
import { catalog } from '@shop/catalog';
import { product } from '@shop/catalog/models/product';
import { raw } from '@shop/catalog/models/internal/raw';
import { demo } from '@shop/examples-demo';
import fastify from 'fastify';

export const server = [now, tick, catalog, product, raw, demo, fastify];
