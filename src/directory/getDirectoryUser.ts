import { notFound } from '../errors';
import { isId } from '../ids';
import { CommandContext } from '../tenancy/context';
import { DirectoryUserView, queryDirectoryUsers } from './listDirectoryUsers';

/** Loads one directory user the actor may see, with groups and lifecycle, or throws not_found. */
export async function getDirectoryUser(ctx: CommandContext, id: string): Promise<DirectoryUserView> {
  if (!isId('directory_user', id)) throw notFound('Directory user');
  const [view] = await queryDirectoryUsers(ctx, { id, limit: 1 });
  if (!view) throw notFound('Directory user');
  return view;
}
