/* eslint-disable */
// @ts-nocheck -- fixture: imports packages that are not installed (react, express, vite).
import * as React from 'react';
export function Welcome({ name }: { name: string }) {
  return <p>Welcome, {name}</p>;
}
