import type { UserRecord } from '../../store/entity.repository.ts';
import type { ApiContext } from '../context.ts';
import { userModel, type UserModel } from '../models.ts';

/** The user behind a key; a bare model when the node is gone (a relation must not turn null). */
export async function loadUser(ctx: ApiContext, key: string): Promise<UserModel> {
  const record = await ctx.loaders.user.load(key);
  return userModel(record ?? ({ id: key } as UserRecord));
}
