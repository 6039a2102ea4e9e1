import { client } from '#db';
import { slug } from '#lib/slug';

export const catalog = { client, slug };
