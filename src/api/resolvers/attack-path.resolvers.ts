import { ATTACK_PATH_LIMITS, AttackPathRanking } from '../../analytics/attack-paths.ts';
import type { AttackPathHopRecord, AttackPathRecord, PathNodeRecord } from '../../store/attack-path.repository.ts';
import type { EntityRecord } from '../../store/entity.repository.ts';
import type { PeerGroupRecord } from '../../store/peer-group-view.repository.ts';
import type { ApiContext } from '../context.ts';
import { badInput, notFound } from '../errors.ts';
import { parseAssetId, parseEntityOrUserId, toGlobalId } from '../global-id.ts';
import { entityModel, peerGroupModel, toDate, userModel } from '../models.ts';
import type { ResolverMap } from '../schema.ts';

interface AttackPathArgs {
  from: string;
  to?: string | null;
  toCriticalAssets?: boolean | null;
  maxHops?: number | null;
  first?: number | null;
  rankBy?: AttackPathRanking | null;
}

function intIn(field: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw badInput(field, `must be between 1 and ${max}, got ${value}`);
  return value;
}

/** `Type:key` for entities (what Query.entity takes), `PeerGroup:<id>` for peer groups. */
const nodeId = (type: PathNodeRecord['type'], id: string) => (type === 'PeerGroup' ? `PeerGroup:${id}` : toGlobalId(type, id));

function nodeModel(node: PathNodeRecord) {
  const isGroup = node.type === 'PeerGroup';
  return {
    id: nodeId(node.type, node.props.id),
    type: node.type,
    entity: isGroup ? null : entityModel(node as EntityRecord),
    peerGroup: isGroup ? peerGroupModel(node.props as PeerGroupRecord) : null,
  };
}

function hopModel(hop: AttackPathHopRecord) {
  return {
    relationship: hop.relationship,
    from: nodeId(hop.from.type, hop.from.id),
    to: nodeId(hop.to.type, hop.to.id),
    actorKey: hop.actor,
    count: hop.count,
    lastSeen: toDate(hop.lastSeen),
    peerShare: hop.peerShare,
    staleness: hop.staleness,
    degree: hop.degree,
    cost: hop.cost,
  };
}

function pathModel(path: AttackPathRecord) {
  return { cost: path.cost, risk: path.risk, length: path.hops.length, nodes: path.nodes.map(nodeModel), hops: path.hops.map(hopModel) };
}

export const attackPathResolvers: ResolverMap = {
  Query: {
    attackPaths: async (_: unknown, args: AttackPathArgs, ctx: ApiContext) => {
      const from = parseEntityOrUserId(args.from);
      if (from.type !== 'User' && from.type !== 'Device') {
        throw badInput('from', `'${args.from}' is a ${from.type} id; attack paths start at a user or a device`);
      }
      // No `to`: the critical assets (unless the caller said toCriticalAssets: false).
      if (args.to != null && args.toCriticalAssets === true) throw badInput('to', 'give either to or toCriticalAssets, not both');
      if (args.to == null && args.toCriticalAssets === false) throw badInput('to', 'name the target asset (to), or search the critical assets');
      const toCriticalAssets = args.to == null;
      const to = args.to != null ? parseAssetId(args.to, 'to') : null;
      const maxHops = intIn('maxHops', args.maxHops ?? 4, ATTACK_PATH_LIMITS.maxHops);
      const first = intIn('first', args.first ?? 5, ATTACK_PATH_LIMITS.maxFirst);
      const result = await ctx.services.repos.attackPaths.find({
        from: { type: from.type, id: from.id },
        to,
        toCriticalAssets,
        maxHops,
        first,
        rankBy: args.rankBy ?? AttackPathRanking.LEAST_UNUSUAL,
        now: ctx.services.clock(),
      });
      if (result === null) throw notFound(from.type === 'User' ? 'user' : 'device', from.id);
      if (to !== null && result.targets.length === 0) throw notFound('asset', to);
      return {
        targets: result.targets.map((id) => toGlobalId('Asset', id)),
        estimatedExpansions: result.estimatedExpansions,
        paths: result.paths.map(pathModel),
      };
    },
  },
  AttackPathHop: {
    actor: async (hop: { actorKey: string | null }, _: unknown, ctx: ApiContext) => {
      if (hop.actorKey === null) return null;
      const record = await ctx.loaders.user.load(hop.actorKey);
      return record === null ? null : userModel(record);
    },
  },
};
