/**
 * Region names and partitions as the AWS SDK v3 knows them (its partitions table, in
 * @aws-sdk/core's util-endpoints; tests/unit/aws-endpoints.test.ts holds this copy to it), for
 * every SDK-free adapter. Where each service's endpoint is worked out: ./endpoints.ts.
 */
export const REGION_NAME = /^[a-z]{2,4}(?:-[a-z]+)+-\d+$/;

export interface Partition {
  id: string;
  dnsSuffix: string;
}

// Most specific first; a region name that matches none is in the commercial partition, as in the SDK.
const PARTITIONS: ReadonlyArray<Partition & { regions: RegExp }> = [
  { id: 'aws-cn', regions: /^cn-\w+-\d+$/, dnsSuffix: 'amazonaws.com.cn' },
  { id: 'aws-eusc', regions: /^eusc-de-\w+-\d+$/, dnsSuffix: 'amazonaws.eu' },
  { id: 'aws-iso', regions: /^us-iso-\w+-\d+$/, dnsSuffix: 'c2s.ic.gov' },
  { id: 'aws-iso-b', regions: /^us-isob-\w+-\d+$/, dnsSuffix: 'sc2s.sgov.gov' },
  { id: 'aws-iso-e', regions: /^eu-isoe-\w+-\d+$/, dnsSuffix: 'cloud.adc-e.uk' },
  { id: 'aws-iso-f', regions: /^us-isof-\w+-\d+$/, dnsSuffix: 'csp.hci.ic.gov' },
  { id: 'aws-us-gov', regions: /^us-gov-\w+-\d+$/, dnsSuffix: 'amazonaws.com' },
];
const COMMERCIAL: Partition = { id: 'aws', dnsSuffix: 'amazonaws.com' };

/** The partition of a region name (one that matches REGION_NAME). */
export function partitionOf(region: string): Partition {
  const found = PARTITIONS.find((partition) => partition.regions.test(region));
  return found ? { id: found.id, dnsSuffix: found.dnsSuffix } : COMMERCIAL;
}

/** The region to sign with: the configured one, or us-east-1 where only a local endpoint is set (no AWS_REGION). */
export function signingRegion(region: string): string {
  return REGION_NAME.test(region) ? region : 'us-east-1';
}
