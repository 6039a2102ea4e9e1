import express from 'express';
import { db } from './db.js';
import { formatPrice } from '../shared/money.js';

const app = express();

app.get('/api/items', async (req, res) => {
  const items = await db('items').select('id', 'name', 'price');
  res.json(items.map((item) => ({ ...item, label: formatPrice(item.price) })));
});

app.listen(3000);
