'use strict';

/**
 * Checks the custom domain parameters (resources/domain.yml) when the service is packaged, so that a
 * mistake stops `serverless package`/`deploy` with the reason instead of failing half way through a
 * CloudFormation update: a domain needs a certificate, the certificate must be an ACM certificate in
 * the stack's own region (a regional endpoint takes no other), and a hosted zone or a certificate
 * without a domain is a mistake too.
 */

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;

/** Problems with the custom domain parameters; empty when they are usable. */
function customDomainProblems({ domain, certificateArn, hostedZoneId, region }) {
  const problems = [];
  if (!domain) {
    if (certificateArn) problems.push('customDomainCertificateArn is set but customDomain is not');
    if (hostedZoneId) problems.push('customDomainHostedZoneId is set but customDomain is not');
    return problems;
  }
  if (!HOSTNAME.test(domain)) problems.push(`customDomain "${domain}" is not a lower-case host name (no scheme, path, port or trailing dot)`);
  const certificate = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/.exec(certificateArn ?? '');
  if (!certificate) problems.push('customDomain needs customDomainCertificateArn, the ARN of an ACM certificate for it (arn:aws:acm:{region}:{account}:certificate/{id})');
  else if (certificate[1] !== region) problems.push(`customDomainCertificateArn is in ${certificate[1]}; a regional API in ${region} needs a certificate in ${region}`);
  if (hostedZoneId && !HOSTED_ZONE_ID.test(hostedZoneId)) problems.push(`customDomainHostedZoneId "${hostedZoneId}" is not a Route 53 hosted zone id (Z...)`);
  return problems;
}

class CustomDomain {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:initialize': () => this.check() };
  }

  check() {
    const declared = this.serverless.service.resources?.Resources ?? {};
    const domain = declared.CustomDomainName?.Properties ?? {};
    const record = declared.CustomDomainRecord?.Properties ?? {};
    const problems = customDomainProblems({
      domain: domain.DomainName,
      certificateArn: domain.RegionalCertificateArn,
      hostedZoneId: record.HostedZoneId,
      region: this.serverless.getProvider('aws').getRegion(),
    });
    if (problems.length > 0) throw new Error(`custom-domain: ${problems.join('; ')}`);
  }
}

module.exports = CustomDomain;
module.exports.customDomainProblems = customDomainProblems;
