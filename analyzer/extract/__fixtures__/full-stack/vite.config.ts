/* eslint-disable */
// @ts-nocheck -- fixture: imports packages that are not installed (react, express, vite).
import { defineConfig } from 'vite';
export default defineConfig({ root: 'app' });
