/* eslint-disable */
// @ts-nocheck -- fixture: imports packages that are not installed (react, express, vite).
import { useState } from 'react';
import type { Theme } from '../types';
export interface AvatarProps { name: string; theme?: Theme }
export function Avatar({ name }: AvatarProps) {
  const [open] = useState(false);
  return <span>{open ? name : name.slice(0, 1)}</span>;
}
