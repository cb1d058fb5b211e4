import { Directory } from '../entities/Directory';
import { presentDirectory } from './presentDirectory';

/** The `data` of directory.* events: the directory as the API shows it, without its SCIM URL (deployment-specific). */
export function directoryEventData(d: Directory) {
  const { scim_url: _scimUrl, ...data } = presentDirectory(d, '');
  return data;
}
