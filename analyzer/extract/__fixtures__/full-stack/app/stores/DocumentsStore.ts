/* eslint-disable */
// @ts-nocheck -- fixture: imports packages that are not installed (react, express, vite).
import Document from '~/models/Document';
export class DocumentsStore {
  documents: Document[] = [];
  get count(): number { return this.documents.length; }
  async rename(document: Document, title: string): Promise<void> {
    document.title = title;
    await document.save();
  }
}
