import { z } from 'zod';

/** Names of secrets Chorus knows how to use; e.g. `openai.apiKey`, `account.<id>.token`. */
export const SecretKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[a-z0-9][a-z0-9._:-]*$/i, { message: 'A secret name holds letters, digits, dots, dashes and colons.' });

/** All the renderer may ever learn about a secret. */
export const SecretStatus = z.object({ key: z.string(), isSet: z.boolean() });

export const SecretSetInput = z
  .object({ key: SecretKey, value: z.string().min(1, { message: 'The value cannot be empty.' }).max(16_384) })
  .strict();

export type SecretStatus = z.infer<typeof SecretStatus>;
