/**
 * The Amazon SES regions Secure Share can send through: exactly the `https://email.<region>.amazonaws.com`
 * entries of manifest.yml's egress list (a test reads the manifest and checks both ways). A region
 * outside this list would be blocked by Forge's egress control, so it cannot be chosen.
 */
export const SES_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'eu-south-1',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'me-south-1',
  'af-south-1',
  'il-central-1',
] as const;

export type SesRegion = (typeof SES_REGIONS)[number];

export const isSesRegion = (value: string): value is SesRegion => (SES_REGIONS as readonly string[]).includes(value);
