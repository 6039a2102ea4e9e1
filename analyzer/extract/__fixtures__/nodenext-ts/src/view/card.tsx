/* eslint-disable */
// @ts-nocheck -- fixture: the toolkit's own type-check has no JSX setup.
import { Button } from './button.js';

export function Card(props: { title: string }) {
  return <section>{Button({ label: props.title })}</section>;
}
