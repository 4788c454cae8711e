/** What other modules use of the CRM: finding a contact by email address (booking, conversations, double opt-in); contacts' mail facts and merge values (outreach); a contact's phones and a typed number in E.164 (outreach's calls). */
export { findContactByEmail } from './contacts/find-contact-by-email';
export { readMergeValuesBatch, type ContactForMail } from './contacts/read-merge-values';
export { contactPhonesForCall, normalisePhone } from './contacts/phones-for-calls';
export { readContactMailFacts, setContactConsentState } from './contacts/contact-consent';
export { insertContact } from './contacts/create-contact';
export { loadVisibility, withVisibility } from './visibility';
