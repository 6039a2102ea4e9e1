/* eslint-disable */
// @ts-nocheck -- fixture: the toolkit's own type-check has no JSX setup.
export function Button(props: { label: string }) {
  return <button>{props.label}</button>;
}
