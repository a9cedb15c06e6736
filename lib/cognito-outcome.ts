/**
 * What became of a Cognito call whose failure must not undo what was done before it (a
 * revocation in DynamoDB stands whatever Cognito answers). Reported, never hidden: an endpoint
 * that lacks the call (cognito-local has no AdminUserGlobalSignOut) is 'unsupported', any other
 * error 'failed'; only a call Cognito accepted is 'done'.
 */
export type CognitoOutcome =
  | { status: 'done' }
  | { status: 'unsupported'; message: string }
  | { status: 'failed'; message: string }
  /** The user the call was about is not in the pool (deleted, or never existed). */
  | { status: 'no_user'; message: string };

export function outcomeOf(error: unknown): CognitoOutcome {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (/unsupported/i.test(name) || /unsupported/i.test(message)) {
    return { status: 'unsupported', message: 'not supported by this Cognito endpoint' };
  }
  return { status: 'failed', message: `${name || 'Error'}: ${message}`.slice(0, 300) };
}

export async function attempt(call: () => Promise<unknown>): Promise<CognitoOutcome> {
  try {
    await call();
    return { status: 'done' };
  } catch (error) {
    return outcomeOf(error);
  }
}

export const describeOutcome = (action: string, outcome: CognitoOutcome) =>
  outcome.status === 'done' ? `Cognito: ${action}: done` : `Cognito: ${action}: ${outcome.message}`;
