/** What other modules use of the audit log: recording an action (SEC-4). */
export { recordAudit } from './record-audit';
