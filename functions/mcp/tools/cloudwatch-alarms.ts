import { z } from 'zod';
import { CloudWatchError } from '../../../lib/aws/cloudwatch-alarms.js';
import { CredentialsRefusedError } from '../../../lib/aws/tool-credentials.js';
import { decodeCursor, encodeCursor } from '../notes/cursor.js';
import { ToolError, defineTool } from '../tool.js';

/**
 * The alarms in ALARM state the caller may see, read from CloudWatch with the caller's own
 * credentials (the tool role, or with `group` one of the caller's group roles): IAM decides what
 * the caller sees. The tool role may describe only alarms named with the stack's prefix
 * (alarmNamePrefix; DescribeAlarms cannot be limited by resource tags), and the tool always asks
 * with that prefix.
 */
const alarm = z.object({
  name: z.string(),
  arn: z.string(),
  description: z.string().optional(),
  reason: z.string().describe('Why the alarm is in ALARM state, as CloudWatch words it'),
  stateUpdatedAt: z.iso.datetime().describe('When the alarm entered its state'),
  namespace: z.string().optional(),
  metricName: z.string().optional(),
  threshold: z.number().optional(),
  comparisonOperator: z.string().optional(),
});

/** The cursor's scope: a NextToken is valid only for the same role (group) it was issued under. */
const scopeOf = (group: string | undefined) => `alarms:${group ?? ''}`;

export default defineTool({
  name: 'cloudwatch_alarms',
  title: 'CloudWatch alarms in ALARM state',
  description:
    'Lists the CloudWatch metric alarms currently in ALARM state that your AWS permissions let you see (this deployment\'s alarms), newest state first as CloudWatch orders them, one page at a time.',
  scope: 'read',
  inputSchema: {
    limit: z.number().int().min(1).max(50).default(20).describe('Alarms per page (1-50, default 20)'),
    cursor: z.string().max(4096).optional().describe('nextCursor of the previous page; omit for the first page'),
    group: z
      .string()
      .regex(/^[\p{L}\p{N}_.:=+\-@ ]{1,128}$/u, 'A Cognito group name')
      .optional()
      .describe('Act with the extra permissions one of your groups grants (see whoami for your groups); omit for your own'),
  },
  outputSchema: {
    alarms: z.array(alarm),
    nextCursor: z.string().optional().describe('Present when more alarms follow: pass it as cursor'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run(input, { caller, services }) {
    const alarms = services.alarms;
    if (!alarms.available) throw new ToolError('unavailable', alarms.reason);
    const nextToken = input.cursor === undefined ? undefined : decodeCursor(input.cursor, scopeOf(input.group));
    let credentials;
    try {
      credentials = await services.credentialsFor(caller, input.group === undefined ? {} : { group: input.group });
    } catch (error) {
      if (!(error instanceof CredentialsRefusedError)) throw error;
      const usable = services.toolRoleGroups(caller);
      throw new ToolError('forbidden', `You have no extra permissions through the group "${input.group}"${usable.length > 0 ? `; you may use: ${usable.join(', ')}` : ''}.`);
    }
    try {
      const page = await alarms.describe(credentials, { maxRecords: input.limit, ...(nextToken ? { nextToken } : {}) });
      return { alarms: page.alarms, ...(page.nextToken ? { nextCursor: encodeCursor(page.nextToken, scopeOf(input.group)) } : {}) };
    } catch (error) {
      if (!(error instanceof CloudWatchError)) throw error;
      if (error.name === 'InvalidNextToken') throw new ToolError('invalid_argument', 'The cursor is no longer valid; start again without a cursor.');
      if (error.name === 'AccessDenied' || error.name === 'AccessDeniedException') {
        throw new ToolError('forbidden', 'Your AWS permissions do not allow listing these alarms.');
      }
      throw error;
    }
  },
  render: (output) =>
    output.alarms.length === 0
      ? 'No alarms are in ALARM state.'
      : [
          `${output.alarms.length} alarm(s) in ALARM state:`,
          ...output.alarms.map((item) => `- ${item.name} (since ${item.stateUpdatedAt})${item.reason ? `: ${item.reason}` : ''}`),
          ...(output.nextCursor ? ['More alarms follow.'] : []),
        ].join('\n'),
});
