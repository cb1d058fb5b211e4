import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Membership of a SCIM user in a SCIM group; both must belong to `directory_id` (enforced by composite FKs). */
@Entity({ name: 'scim_group_members' })
export class ScimGroupMember {
  @PrimaryColumn({ name: 'group_id', type: 'uuid' })
  groupId: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'directory_id', type: 'text' })
  directoryId: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
