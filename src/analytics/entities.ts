import type { NormalizedEvent } from '../events/event.ts';

/**
 * The entities an event touches, besides its user. Web domains are Assets of kind `domain`
 * and vault secrets (credentials checked out, `secret_access`) Assets of kind `secret`, so the
 * entity graph keeps four node types (User, Device, Application, Asset) and every access,
 * whatever its source, is one ACCESSED edge: peer groups see who checks out which secret.
 */
export const ENTITY_TYPES = ['Device', 'Application', 'Asset'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export const ASSET_KINDS = ['host', 'domain', 'secret'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export interface EntityRef {
  type: EntityType;
  id: string;
  /** Assets only. */
  kind?: AssetKind;
}

export function entitiesOf(event: NormalizedEvent): EntityRef[] {
  const refs: EntityRef[] = [];
  if (event.host !== undefined) refs.push({ type: 'Device', id: event.host });
  if (event.app !== undefined) refs.push({ type: 'Application', id: event.app });
  if (event.asset !== undefined) refs.push({ type: 'Asset', id: event.asset, kind: 'host' });
  if (event.domain !== undefined) refs.push({ type: 'Asset', id: event.domain, kind: 'domain' });
  if (event.secretId !== undefined) refs.push({ type: 'Asset', id: event.secretId, kind: 'secret' });
  return refs;
}

/** A compact map key for an entity; the NUL separator cannot occur in either part. */
export function entityKey(ref: EntityRef): string {
  return `${ref.type}\u0000${ref.id}`;
}

export function parseEntityKey(key: string): { type: EntityType; id: string } {
  const at = key.indexOf('\u0000');
  return { type: key.slice(0, at) as EntityType, id: key.slice(at + 1) };
}
