/**
 * A form-encoded POST as API Gateway hands it to /token or /revoke, for the endpoints' steps run in
 * process: the parameters left undefined are not sent.
 */
export function formPost(form: Record<string, string | undefined>, authorization?: string) {
  const sent = Object.entries(form).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization !== undefined && { authorization }) },
    body: new URLSearchParams(sent).toString(),
    isBase64Encoded: false,
  };
}
