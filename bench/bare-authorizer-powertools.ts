/** The bare authorizer floor (bare-authorizer.ts) with Powertools' Logger, Metrics and middy around it (powertools-floor.ts). */
import { handler as bare } from './bare-authorizer.js';
import { withPowertools } from './powertools-floor.js';

export const handler = withPowertools('bare-authorizer', bare);
