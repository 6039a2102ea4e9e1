/* eslint-disable */
// @ts-nocheck -- fixture: imports packages that are not installed (react, express, vite).
import { slugify } from '../../shared/slugify';
/** The browser's copy of a document: save() posts to the API, it writes no table. */
export default class Document {
  title = '';
  get slug(): string { return slugify(this.title); }
  async save(): Promise<void> { await fetch('/documents/1/title', { method: 'POST', body: this.title }); }
}
