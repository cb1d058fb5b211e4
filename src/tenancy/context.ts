import { EntityManager } from 'typeorm';
import { notFound } from '../errors';

/** Who is acting: the operator's admin key, an environment's API key, or someone at the CLI. */
export type Actor =
  | { kind: 'admin'; keyId: string | null }
  | { kind: 'environment'; keyId: string; environmentId: string }
  | { kind: 'cli'; user: string }
  | { kind: 'scim'; directoryId: string; environmentId: string }
  | { kind: 'system'; name: string };

/** The directory a change is made in: from the credential or the job, never from a request body. */
export type DirectoryTenant = { environmentId: string; directoryId: string };

/**
 * What asked for a change to a directory user or group: the IdP's SCIM push, a person in
 * support (API, CLI, console), the idle rule, a directory pull, or a policy switch.
 */
export type ChangeSource = 'scim' | 'support' | 'idle' | 'pull' | 'policy_switch';

/** What every command receives: the open transaction and the actor. */
export type CommandContext = {
  manager: EntityManager;
  actor: Actor;
};

/** The actor as written in the audit log, e.g. `admin_key:key_01…` or `cli:root`. */
export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'admin':
      return actor.keyId ? `admin_key:${actor.keyId}` : 'admin_key:ADMIN_API_KEY';
    case 'environment':
      return `api_key:${actor.keyId}`;
    case 'cli':
      return `cli:${actor.user}`;
    case 'scim':
      return `scim:${actor.directoryId}`;
    case 'system':
      return `system:${actor.name}`;
  }
}

/** True for the operator (admin key or CLI), who may act on every environment. */
export function isOperator(actor: Actor): boolean {
  return actor.kind === 'admin' || actor.kind === 'cli';
}

/** The one environment a non-operator actor is confined to, or undefined for the operator. */
export function confinedEnvironment(actor: Actor): string | undefined {
  return actor.kind === 'environment' || actor.kind === 'scim' ? actor.environmentId : undefined;
}

/**
 * Throws not_found when the actor may not see the environment, so another tenant's
 * ids are indistinguishable from ids that do not exist.
 */
export function assertCanAccessEnvironment(actor: Actor, environmentId: string, what = 'Environment'): void {
  const confined = confinedEnvironment(actor);
  if (confined !== undefined && confined !== environmentId) throw notFound(what);
}
