import { DirectoryRow } from '../db/tables/directories';
import { presentDirectory } from './presentDirectory';

/** The `data` of directory.* events: the directory as the API shows it, without its SCIM URL (deployment-specific). */
export function directoryEventData(d: DirectoryRow) {
  const { scim_url: _scimUrl, ...data } = presentDirectory(d, '');
  return data;
}
