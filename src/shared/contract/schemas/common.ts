import { z } from 'zod';
import { isIanaTimeZone } from '../../timezone';

export const Id = z.uuid({ message: 'Must be an id (UUID).' });
export const IsoDateTime = z.iso.datetime({ offset: true });
export const NoInput = z.object({}).strict();

export const TimeZone = z
  .string()
  .trim()
  .refine(isIanaTimeZone, { message: 'Must be an IANA time zone such as Europe/Paris or America/New_York.' });

/** Trims, rejects control characters, and bounds length. */
export function text(max: number, label = 'This field') {
  return z
    .string()
    .trim()
    .max(max, { message: `${label} must be at most ${max} characters.` })
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s), {
      message: `${label} contains control characters.`,
    });
}
