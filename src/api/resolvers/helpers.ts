import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import type { UserRecord } from '../../store/entity.repository.ts';
import type { ApiContext } from '../context.ts';
import { userModel, type UserModel } from '../models.ts';

/** The user behind a key; a bare model when the node is gone (a relation must not turn null). */
export async function loadUser(ctx: ApiContext, key: string): Promise<UserModel> {
  const record = await ctx.loaders.user.load(key);
  return userModel(record ?? ({ id: key } as UserRecord));
}

/** Whether the field being resolved selects `name` directly (through fragments too). */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((s) => {
      if (s.kind === 'Field') return s.name.value === name;
      if (s.kind === 'InlineFragment') return visit(s.selectionSet);
      if (seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      return visit(info.fragments[s.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}
