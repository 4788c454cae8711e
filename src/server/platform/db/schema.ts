/** Every table, for drizzle-kit and the typed query builder. Modules add their schema files here. */
export * from '../../modules/accounts/accounts.schema';
export * from '../../modules/workspaces/workspaces.schema';
export * from '../../modules/audit/audit.schema';
export * from '../mail/mail.schema';
export * from '../../modules/crm/crm.schema';
