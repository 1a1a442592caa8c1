import { z } from 'zod';
import { PLATFORMS } from '../../platforms';
import { Id, IsoDateTime } from './common';

export const Platform = z.enum(PLATFORMS);
export const AccountStatus = z.enum(['connected', 'needs_reconnect', 'disconnected']);

/** A connected social account. Tokens never appear here: they live in the keychain. */
export const Account = z.object({
  id: Id,
  brandId: Id,
  platform: Platform,
  handle: z.string(),
  displayName: z.string(),
  status: AccountStatus,
  statusReason: z.string().nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});

export const AccountListInput = z.object({ brandId: Id.optional() }).strict();

export type Account = z.infer<typeof Account>;
