/** An `audit_log` row: who did what administrative action, when, and why. Never holds a secret. */
export type AuditLogRow = {
  id: string;
  /** Null for actions outside any environment (the admin key's rotation). */
  environment_id: string | null;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  reason: string | null;
  details: Record<string, unknown>;
  created_at: Date;
};
