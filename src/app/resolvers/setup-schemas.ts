/** Payloads of the setup resolvers (Getting started checklist, test email, test sign-in, reset counts). zod/mini. */
import * as z from 'zod/mini';

export const noSetupPayload = z.pipe(
  z.optional(z.strictObject({})),
  z.transform(() => ({})),
);

export const sendTestEmailPayload = z.strictObject({
  to: z.string().check(
    z.trim(),
    z.maxLength(254, 'The address is too long'),
    z.regex(/^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/, 'Enter one email address, such as you@example.com'),
  ),
});
