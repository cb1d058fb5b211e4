import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The outbox: one row per directory change, inserted in the same transaction as the
 * change. `seq` orders events; `txid` lets readers avoid handing out a cursor past a
 * transaction that has not committed yet.
 */
@Entity({ name: 'events' })
export class Event {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'bigint', insert: false, update: false })
  seq: string;

  /** Consumer order, assigned after commit (see migrations/1763800000010-EventPositions.ts). */
  @Column({ type: 'bigint', nullable: true, insert: false })
  position: string | null;

  @Column({ name: 'environment_id', type: 'text' })
  environmentId: string;

  @Column({ name: 'directory_id', type: 'text', nullable: true })
  directoryId: string | null;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'json' })
  data: unknown;

  @Column({ name: 'previous_attributes', type: 'json', nullable: true })
  previousAttributes: unknown;

  /** The directory user or group the event is about (for redaction under the secure policy). */
  @Column({ name: 'subject_id', type: 'text', nullable: true })
  subjectId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
