/* eslint-disable */
// @ts-nocheck -- fixture: imports packages that are not installed (react, express, vite).
import { Avatar } from './components/Avatar';
import { DocumentsStore } from './stores/DocumentsStore';
const store = new DocumentsStore();
export function App() {
  return <main><Avatar name="me" />{store.count}</main>;
}
