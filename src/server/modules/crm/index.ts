/** What other modules use of the CRM: creating a contact inside the caller's transaction (a channel's new sender, a booking's attendee); finding a contact by email address (booking, conversations, double opt-in); contacts' mail facts and merge values (outreach); a contact's phones and a typed number in E.164 (outreach's calls); whether a contact is restricted (conversations' emailed replies). */
export { findContactByEmail } from './contacts/find-contact-by-email';
export { readMergeValuesBatch, type ContactForMail } from './contacts/read-merge-values';
export { contactPhonesForCall, normalisePhone } from './contacts/phones-for-calls';
export { anyContactRestricted } from './contacts/contact-restricted';
export { readContactMailFacts, setContactConsentState } from './contacts/contact-consent';
export { insertContact } from './contacts/create-contact';
/** CRM roles: which records a member may see (views, activities, agents, bulk actions and search narrow their own reads with these). */
export { assertRecordAccess, canSeeRecord, dropShares, loadVisibility, staffOwnRecordsOnly, visibleRecords, withVisibility, type Visibility } from './visibility';
/** Phone numbers to E.164 and web addresses to a domain, the same way everywhere (imports, privacy, agents). */
export { normaliseDomain, toE164 } from './normalise';
/** Outreach's audiences, call queue and recipient lists: contacts selected in the caller's own statement (MAIL-2, CALL-1). */
export { contactNameOf, selectContacts, taggedContactsWhere, visibleContactsWhere, type ContactFields } from './contacts/contact-selection';
/** Home (HOME-1): the CRM's figures for the dashboard. */
export { crmSummary } from './summary/crm-summary';
export { listDealsClosing } from './summary/list-deals-closing';
export { listNewLeads } from './summary/list-new-leads';
export { pipelineValue } from './summary/pipeline-value';
/** Invoicing: the contact or company a document is billed to, as the CRM presents it. */
export { getCompany } from './companies/get-company';
export { getContact } from './contacts/get-contact';
