import { type Check, skip } from '../checklist.js';
import type { VerifyContext } from '../context.js';
import { deleteRegistration } from '../registration.js';

/** Whatever happened before: the client registered for the sign-in is deleted again (RFC 7592). */
export const cleanupCheck: Check<VerifyContext> = {
  id: 'cleanup',
  title: "The sign-in's client deleted again (RFC 7592)",
  always: true,
  async run(context) {
    const registration = context.signIn?.registration;
    if (!registration) return skip(context.signIn ? 'signed in through --client-id: nothing registered' : 'no sign-in: nothing registered');
    await deleteRegistration(registration, context.undeleted);
    return `client ${registration.clientId} deleted`;
  },
};
