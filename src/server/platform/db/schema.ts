/** Every table, for drizzle-kit and the typed query builder. Modules add their schema files here. */
export * from '../../modules/accounts/accounts.schema';
export * from '../../modules/workspaces/workspaces.schema';
export * from '../../modules/audit/audit.schema';
export * from '../mail/mail.schema';
export * from '../../modules/crm/crm.schema';
export * from '../../modules/imports/imports.schema';
export * from '../../modules/rules/rules.schema';
export * from '../../modules/bulk/bulk.schema';
export * from '../../modules/activities/activities.schema';
export * from '../../modules/views/views.schema';
export * from '../../modules/ai/ai.schema';
export * from '../../modules/agents/agents.schema';
export * from '../../modules/brain/brain.schema';
export * from '../../modules/enrichment/enrichment.schema';
export * from '../../modules/brain/embeddings.schema';
export * from '../../modules/invoicing/invoicing.schema';
