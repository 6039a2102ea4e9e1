/* eslint-disable */
// @ts-nocheck -- fixture: imports packages that are not installed (react, express, vite).
import { slugify } from '../../shared/slugify';
export async function findDocument(db, id: string) {
  return db.query('SELECT * FROM documents WHERE id = $1', [id]);
}
export async function renameDocument(db, id: string, title: string) {
  return db.query('UPDATE documents SET title = $1, slug = $2 WHERE id = $3', [title, slugify(title), id]);
}
