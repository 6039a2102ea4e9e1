/* eslint-disable */
// @ts-nocheck -- fixture: imports packages that are not installed (react, express, vite).
import { renderToString } from 'react-dom/server';
import { Welcome } from './emails/Welcome';
export const welcomeMail = (name: string): string => renderToString(Welcome({ name }));
