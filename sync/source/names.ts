/** Slot and publication names: plain lower-case identifiers, so they never need quoting. */
import { StranglerError } from '../../common/errors.js';

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function checkName(kind: 'slot' | 'publication', name: string): string {
  if (!NAME.test(name)) {
    throw new StranglerError(
      'SYNC_BAD_NAME',
      `The ${kind} name ${JSON.stringify(name)} is not a plain identifier; use 1-63 lower-case letters, digits and underscores, starting with a letter.`,
    );
  }
  return name;
}
