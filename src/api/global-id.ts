import { NODE_TYPES, type EntityKey, type NodeType } from '../store/entity.repository.ts';
import { badInput } from './errors.ts';

/**
 * Typed global ids. Keys are unique only within a node type (a host and a domain can share a
 * name), so every entity's GraphQL id is `Type:key`, e.g. `Asset:FIN-DB-02`, `User:alice`.
 * The key may itself contain ':' (only the first one separates). `Query.user` and the user
 * arguments also accept the plain user key, because users are what clients name most.
 */
export function toGlobalId(type: NodeType, key: string): string {
  return `${type}:${key}`;
}

function split(id: string): EntityKey | null {
  const at = id.indexOf(':');
  if (at <= 0) return null;
  const type = id.slice(0, at);
  const key = id.slice(at + 1);
  return (NODE_TYPES as readonly string[]).includes(type) && key.length > 0 ? { type: type as NodeType, id: key } : null;
}

/** A typed entity id; plain keys are refused because they are ambiguous. */
export function parseEntityId(id: string, field: string): EntityKey {
  const key = split(id);
  if (key === null) {
    throw badInput(field, `'${id}' is not a typed id; use Type:key with Type one of ${NODE_TYPES.join(', ')} (e.g. Asset:FIN-DB-02)`);
  }
  return key;
}

/** A typed entity id, or a plain key taken as a user key. */
export function parseEntityOrUserId(id: string): EntityKey {
  return split(id) ?? { type: 'User', id };
}

/** A user key from `alice` or `User:alice`. */
export function parseUserId(id: string, field: string): string {
  const key = split(id);
  if (key === null) {
    if (id.length === 0) throw badInput(field, 'must not be empty');
    return id;
  }
  if (key.type !== 'User') throw badInput(field, `'${id}' is a ${key.type} id, not a user id`);
  return key.id;
}

/** An asset key from `FIN-DB-02` or `Asset:FIN-DB-02`. */
export function parseAssetId(id: string, field: string): string {
  const key = split(id);
  if (key === null) {
    if (id.length === 0) throw badInput(field, 'must not be empty');
    return id;
  }
  if (key.type !== 'Asset') throw badInput(field, `'${id}' is a ${key.type} id, not an asset id`);
  return key.id;
}
