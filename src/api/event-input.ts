import { mapEcsRecord } from '../events/ecs.parser.ts';
import type { NormalizedEvent } from '../events/event.ts';

/**
 * `EventInput` (GraphQL) → a flat, dotted ECS record → the same mapper NDJSON imports use, so
 * every path in validates events alike. The mapper's reasons name ECS fields; they are
 * renamed to the input's fields (`events[3].timestamp: …`) for the client.
 */
export interface EventInput {
  timestamp: Date;
  id?: string | null;
  category: string;
  action: string;
  outcome?: string | null;
  user?: string | null;
  host?: string | null;
  sourceIp?: string | null;
  country?: string | null;
  city?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  destination?: string | null;
  service?: string | null;
  url?: string | null;
  urlDomain?: string | null;
  filePath?: string | null;
  fileSize?: number | null;
  emailTo?: string[] | null;
  attachmentSizes?: number[] | null;
  bytesOut?: number | null;
  bytesIn?: number | null;
  commandLine?: string | null;
  interactive?: boolean | null;
  protocol?: string | null;
  secretId?: string | null;
}

/** Input field → ECS field. */
const ECS_FIELD: Readonly<Record<Exclude<keyof EventInput, 'timestamp' | 'attachmentSizes'>, string>> = Object.freeze({
  id: 'event.id',
  category: 'event.category',
  action: 'event.action',
  outcome: 'event.outcome',
  user: 'user.name',
  host: 'host.name',
  sourceIp: 'source.ip',
  country: 'source.geo.country_iso_code',
  city: 'source.geo.city_name',
  latitude: 'source.geo.location.lat',
  longitude: 'source.geo.location.lon',
  destination: 'destination.address',
  service: 'service.name',
  url: 'url.original',
  urlDomain: 'url.domain',
  filePath: 'file.path',
  fileSize: 'file.size',
  emailTo: 'email.to.address',
  bytesOut: 'source.bytes',
  bytesIn: 'destination.bytes',
  commandLine: 'process.command_line',
  interactive: 'process.interactive',
  protocol: 'network.protocol',
  secretId: 'riskgraph.secret.id',
});

/** ECS field → input field, longest first so `source.geo.location.lat` wins over `source.geo`. */
const INPUT_FIELD: ReadonlyArray<[string, string]> = Object.freeze(
  [
    ['@timestamp', 'timestamp'] as [string, string],
    ['email.attachments', 'attachmentSizes'] as [string, string],
    ...Object.entries(ECS_FIELD).map(([input, ecs]) => [ecs, input] as [string, string]),
  ].sort((a, b) => b[0].length - a[0].length),
);

export function toEcsRecord(input: EventInput): Record<string, unknown> {
  const record: Record<string, unknown> = { '@timestamp': input.timestamp.toISOString() };
  for (const [field, ecs] of Object.entries(ECS_FIELD)) {
    const value = input[field as keyof EventInput];
    if (value !== null && value !== undefined) record[ecs] = value;
  }
  if (input.attachmentSizes !== null && input.attachmentSizes !== undefined) {
    record['email.attachments'] = input.attachmentSizes.map((size) => ({ file: { size } }));
  }
  return record;
}

/** The normalized event, or the problems, each naming `<prefix>.<input field>`. */
export function mapEventInput(input: EventInput, prefix: string): NormalizedEvent | string[] {
  const record = toEcsRecord(input);
  const result = mapEcsRecord(record, JSON.stringify(record));
  if (typeof result !== 'string') return result;
  return result.split('; ').map((reason) => {
    const match = INPUT_FIELD.find(([ecs]) => reason.startsWith(ecs));
    return match === undefined ? `${prefix}: ${reason}` : `${prefix}.${match[1]}${reason.slice(match[0].length)}`;
  });
}
