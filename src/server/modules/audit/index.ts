/** What other modules use of the audit log: recording an action (SEC-4). */
export { auditStatement, recordAudit, type AuditEvent } from './record-audit';
