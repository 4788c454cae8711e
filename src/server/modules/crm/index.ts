/** What other modules use of the CRM: finding a contact by email address (booking, conversations, double opt-in); contacts' mail facts and merge values (outreach). */
export { findContactByEmail } from './contacts/find-contact-by-email';
export { readMergeValuesBatch, type ContactForMail } from './contacts/read-merge-values';
