import { CreateEnvironmentsAndDirectories1763800000000 } from '../../migrations/1763800000000-CreateEnvironmentsAndDirectories';
import { CreateCredentials1763800000001 } from '../../migrations/1763800000001-CreateCredentials';
import { CreateScimResources1763800000002 } from '../../migrations/1763800000002-CreateScimResources';
import { CreateEvents1763800000003 } from '../../migrations/1763800000003-CreateEvents';
import { CreateAuditLog1763800000004 } from '../../migrations/1763800000004-CreateAuditLog';
import { ScimListingOrder1763800000005 } from '../../migrations/1763800000005-ScimListingOrder';
import { CreateDirectoryUsersAndGroups1763800000006 } from '../../migrations/1763800000006-CreateDirectoryUsersAndGroups';
import { DirectoryStatusRules1763800000007 } from '../../migrations/1763800000007-DirectoryStatusRules';
import { EventSubjects1763800000008 } from '../../migrations/1763800000008-EventSubjects';
import { CreatePolicySwitchJobs1763800000009 } from '../../migrations/1763800000009-CreatePolicySwitchJobs';
import { EventPositions1763800000010 } from '../../migrations/1763800000010-EventPositions';
import { CreateWebhooks1763800000011 } from '../../migrations/1763800000011-CreateWebhooks';
import { EventDataAsJson1763800000012 } from '../../migrations/1763800000012-EventDataAsJson';
import { InFlightDeliveries1763800000013 } from '../../migrations/1763800000013-InFlightDeliveries';
import { StateSignals1763800000014 } from '../../migrations/1763800000014-StateSignals';
import { PersonActivity1763800000030 } from '../../migrations/1763800000030-PersonActivity';
import { IdleRules1763800000031 } from '../../migrations/1763800000031-IdleRules';
import { IdpConnections1763800000032 } from '../../migrations/1763800000032-IdpConnections';
import { IdleScanTimes1763800000033 } from '../../migrations/1763800000033-IdleScanTimes';
import { RateLimitBuckets1763800000040 } from '../../migrations/1763800000040-RateLimitBuckets';
import { RateLimitOverrides1763800000041 } from '../../migrations/1763800000041-RateLimitOverrides';
import { OktaEventHooks1763800000050 } from '../../migrations/1763800000050-OktaEventHooks';
import { IdleActionSentAt1763800000051 } from '../../migrations/1763800000051-IdleActionSentAt';
import { WebhookPreviousSecret1763800000052 } from '../../migrations/1763800000052-WebhookPreviousSecret';

/**
 * Migrations listed explicitly (not globbed) so the same list works from compiled
 * JavaScript, from the TypeScript sources under test and from the TypeORM CLI
 * (ormconfig.ts). Append new migrations at the end; never edit one that has landed.
 */
export const migrations = [
  CreateEnvironmentsAndDirectories1763800000000,
  CreateCredentials1763800000001,
  CreateScimResources1763800000002,
  CreateEvents1763800000003,
  CreateAuditLog1763800000004,
  ScimListingOrder1763800000005,
  CreateDirectoryUsersAndGroups1763800000006,
  DirectoryStatusRules1763800000007,
  EventSubjects1763800000008,
  CreatePolicySwitchJobs1763800000009,
  EventPositions1763800000010,
  CreateWebhooks1763800000011,
  EventDataAsJson1763800000012,
  InFlightDeliveries1763800000013,
  StateSignals1763800000014,
  PersonActivity1763800000030,
  IdleRules1763800000031,
  IdpConnections1763800000032,
  IdleScanTimes1763800000033,
  RateLimitBuckets1763800000040,
  RateLimitOverrides1763800000041,
  OktaEventHooks1763800000050,
  IdleActionSentAt1763800000051,
  WebhookPreviousSecret1763800000052,
];
