import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { loadGroupMappingConfig, tokenGroups } from './group-mapping.js';

/**
 * Cognito's pre-token-generation trigger (event version V2_0, Essentials tier: it changes the
 * access token too), attached to the pool only when identityProviderGroups is set
 * (serverless-plugins/user-pool-settings.cjs). It puts the mapped IdP groups into cognito:groups of
 * both tokens, at sign-in and at every refresh. It reads nothing and calls nothing: a failure here
 * fails the sign-in, so there is nothing here that can fail but a bad configuration, refused at
 * cold start (and at package time).
 */
const config = loadGroupMappingConfig();

export const handler = async (event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> => {
  const groups = tokenGroups(event.request, config);
  if (groups) event.response = { claimsAndScopeOverrideDetails: { groupOverrideDetails: { groupsToOverride: groups } } };
  return event;
};
