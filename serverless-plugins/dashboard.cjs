'use strict';

/**
 * One CloudWatch dashboard per stage (AWS::CloudWatch::Dashboard `{service}-{stage}`), built from the
 * compiled template so it names exactly this stage's API, functions and log groups:
 * requests, 4xx and 5xx, latency (the stage's percentiles, and per route from the access logs),
 * authorizer allows and denials by reason, tool calls and errors by tool, throttles (the stage's
 * and the per-caller limit's, by caller), the registered client count, and per function Lambda
 * duration, errors, throttles, concurrency and cold starts.
 *
 * The functions' own metrics are read from the namespace and `service` dimension the functions get
 * (provider.environment POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME), with the metric
 * names they write (authorizer/telemetry.ts, functions/mcp/audit/call-metrics.ts,
 * dcr/client-count-metric.ts); tests/unit/template-operations.test.ts runs that code and fails when
 * the dashboard names a metric or dimension set no function writes. Route latency and throttles come
 * from the access log (access-log-format.cjs), cold starts from the Lambda REPORT lines.
 */

const DASHBOARD_LOGICAL_ID = 'MonitoringDashboard';
/** resources/api-logs.yml */
const ACCESS_LOG_GROUP = 'ApiGatewayAccessLogGroup';
const PERIOD = 300;

/** The function's metric names (kept equal to what the code writes by the test named above). */
const METRIC = {
  allowed: 'AuthorizerAllowed',
  denied: 'AuthorizerDenied',
  authenticationFailures: 'AuthenticationFailures',
  toolCalls: 'ToolCalls',
  toolErrors: 'ToolErrors',
  toolDenied: 'ToolDenied',
  clientCount: 'DynamicClientCount',
};

const quoted = (name) => `"${name}"`;

/** A CloudWatch SEARCH over one metric with the given extra dimension (every value of it gets a line). */
function searchBy(namespace, service, metricName, dimension, statistic) {
  const schema = `{${[quoted(namespace), dimension, 'service'].join(',')}}`;
  return `SEARCH('${schema} MetricName=${quoted(metricName)} service=${quoted(service)}', '${statistic}', ${PERIOD})`;
}

function metricWidget(title, metrics, options = {}) {
  return {
    type: 'metric',
    width: options.width ?? 12,
    height: 6,
    properties: { title, region: '${AWS::Region}', period: PERIOD, stat: options.stat ?? 'Sum', view: 'timeSeries', stacked: false, metrics },
  };
}

function logWidget(title, logGroups, query, width = 12) {
  const sources = logGroups.map((group) => `SOURCE '${group}'`).join(' | ');
  return { type: 'log', width, height: 6, properties: { title, region: '${AWS::Region}', view: 'table', query: `${sources} | ${query}` } };
}

/** The dashboard's widgets for one stage (pure: tests call it with a template's names). */
function dashboardWidgets(names) {
  const { namespace, service, apiName, stage, functions, accessLogGroup, mcpLogGroup } = names;
  const api = ['ApiName', apiName, 'Stage', stage];
  const own = (metricName, extra = {}) => [namespace, metricName, 'service', service, extra];
  // A metrics entry: an expression is a one-element array holding it.
  const search = (metricName, dimension, statistic, label) => [{ expression: searchBy(namespace, service, metricName, dimension, statistic), label, id: `${metricName.toLowerCase()}_by_${dimension}` }];
  const perFunction = (metricName, stat) => functions.map((fn) => ['AWS/Lambda', metricName, 'FunctionName', fn.functionName, { stat, label: fn.name }]);
  return [
    metricWidget('API requests, 4xx and 5xx', [
      ['AWS/ApiGateway', 'Count', ...api, { label: 'requests' }],
      ['AWS/ApiGateway', '4XXError', ...api, { label: '4xx' }],
      ['AWS/ApiGateway', '5XXError', ...api, { label: '5xx' }],
    ]),
    metricWidget('API latency (ms)', [
      ['AWS/ApiGateway', 'Latency', ...api, { stat: 'p50', label: 'p50' }],
      ['AWS/ApiGateway', 'Latency', ...api, { stat: 'p90', label: 'p90' }],
      ['AWS/ApiGateway', 'Latency', ...api, { stat: 'p99', label: 'p99' }],
      ['AWS/ApiGateway', 'IntegrationLatency', ...api, { stat: 'p99', label: 'integration p99' }],
    ]),
    logWidget(
      'Latency per route (ms, access log)',
      [accessLogGroup],
      'filter ispresent(resourcePath) | stats count(*) as requests, pct(responseLatency, 50) as p50, pct(responseLatency, 90) as p90, pct(responseLatency, 99) as p99 by httpMethod, resourcePath | sort requests desc',
      24,
    ),
    metricWidget('Authorizer: allowed, and denied by reason', [
      own(METRIC.allowed, { label: 'allowed' }),
      own(METRIC.authenticationFailures, { label: 'authentication failures (alarmed)' }),
      search(METRIC.denied, 'reason', 'Sum', 'denied'),
    ]),
    metricWidget('Tool calls by tool', [search(METRIC.toolCalls, 'tool', 'Sum', 'calls')]),
    metricWidget('Tool errors and scope denials by tool', [search(METRIC.toolErrors, 'tool', 'Sum', 'errors'), search(METRIC.toolDenied, 'tool', 'Sum', 'denied')]),
    logWidget(
      'Throttled by the stage (access log, 429)',
      [accessLogGroup],
      'filter status = 429 | stats count(*) as throttled by errorType, httpMethod, resourcePath | sort throttled desc',
    ),
    logWidget(
      'Refused by the per-caller rate limit, by caller (MCP audit log)',
      [mcpLogGroup],
      'filter message = "audit" and audit.reason = "rate_limited" | stats count(*) as refused by audit.principal | sort refused desc | limit 20',
    ),
    metricWidget('Registered dynamic clients', [own(METRIC.clientCount, { stat: 'Maximum', label: 'dynamic clients' })], { stat: 'Maximum' }),
    metricWidget('Lambda duration p99 (ms)', perFunction('Duration', 'p99'), { stat: 'p99' }),
    metricWidget('Lambda concurrency (max)', perFunction('ConcurrentExecutions', 'Maximum'), { stat: 'Maximum' }),
    metricWidget('Lambda errors and throttles', [...perFunction('Errors', 'Sum'), ...perFunction('Throttles', 'Sum')]),
    logWidget(
      'Cold starts (Lambda REPORT lines with an init duration)',
      functions.map((fn) => fn.logGroup),
      'filter @type = "REPORT" and ispresent(@initDuration) | stats count(*) as coldStarts, pct(@initDuration, 50) as initP50, max(@initDuration) as initMax by @log',
      24,
    ),
  ];
}

/** The names the dashboard needs, from the compiled template and the service. */
function dashboardNames(service, resources) {
  const environment = service.provider.environment ?? {};
  const apiName = resources.ApiGatewayRestApi?.Properties?.Name;
  const accessLogGroup = service.resources?.Resources?.[ACCESS_LOG_GROUP]?.Properties?.LogGroupName;
  const functions = Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([id, resource]) => {
      const functionName = resource.Properties.FunctionName;
      return { name: id.replace(/LambdaFunction$/, ''), functionName, logGroup: `/aws/lambda/${functionName}` };
    });
  const mcp = functions.find((fn) => fn.name === 'Mcp');
  const names = {
    namespace: environment.POWERTOOLS_METRICS_NAMESPACE,
    service: environment.POWERTOOLS_SERVICE_NAME,
    apiName,
    stage: service.provider.stage,
    functions,
    accessLogGroup,
    mcpLogGroup: mcp?.logGroup,
  };
  const missing = Object.entries(names).filter(([, value]) => typeof value !== 'string' && !Array.isArray(value)).map(([key]) => key);
  if (missing.length > 0) throw new Error(`dashboard: cannot name ${missing.join(', ')} from the service`);
  for (const fn of functions) if (typeof fn.functionName !== 'string') throw new Error(`dashboard: function ${fn.name} has no FunctionName`);
  return names;
}

class Dashboard {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:package:compileEvents': () => this.apply() };
  }

  apply() {
    const { service } = this.serverless;
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    if (resources[DASHBOARD_LOGICAL_ID]) throw new Error(`dashboard: ${DASHBOARD_LOGICAL_ID} is already defined`);
    const names = dashboardNames(service, resources);
    resources[DASHBOARD_LOGICAL_ID] = {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: `${service.service}-${names.stage}`,
        // Fn::Sub for the region; the body holds no other `${`.
        DashboardBody: { 'Fn::Sub': JSON.stringify({ widgets: dashboardWidgets(names) }) },
      },
    };
  }
}

module.exports = Dashboard;
module.exports.dashboardWidgets = dashboardWidgets;
module.exports.DASHBOARD_LOGICAL_ID = DASHBOARD_LOGICAL_ID;
