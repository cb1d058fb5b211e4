import { Actor } from '../tenancy/context';

/**
 * The actor a policy switch job's batches act as. Jobs record who started them
 * (actorLabel); batches act, and the completion is audited, in that person's name.
 * Only the operator can switch, so only their labels occur.
 */
export function policySwitchActor(label: string): Actor {
  const colon = label.indexOf(':');
  const kind = label.slice(0, colon);
  const rest = label.slice(colon + 1);
  if (kind === 'admin_key') return { kind: 'admin', keyId: rest === 'ADMIN_API_KEY' ? null : rest };
  if (kind === 'cli') return { kind: 'cli', user: rest };
  throw new Error(`policy switch job started by an unexpected actor: ${label}`);
}
