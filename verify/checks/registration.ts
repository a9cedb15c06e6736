import { type Check, skip } from '../checklist.js';
import type { VerifyContext } from '../context.js';
import { deleteRegistration, readRegistration, registerClient } from '../registration.js';

/** RFC 7591 registration, RFC 7592 read and delete with the registration access token: nothing is left behind. */
export const registrationCheck: Check<VerifyContext> = {
  id: 'registration',
  title: 'Client registration (RFC 7591) made, read and deleted again (RFC 7592)',
  needs: ['registration-endpoint'],
  async run(context) {
    if (!context.options.register) return skip('--no-register');
    const endpoint = context.authorizationServer!.metadata.registration_endpoint as string;
    const registration = await registerClient(endpoint, ['http://127.0.0.1/callback'], { initialAccessToken: context.options.initialAccessToken, undeleted: context.undeleted });
    try {
      await readRegistration(registration);
    } finally {
      await deleteRegistration(registration, context.undeleted);
    }
    return `client ${registration.clientId} registered and deleted`;
  },
};
