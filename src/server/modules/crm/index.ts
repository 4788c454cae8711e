/** What other modules use of the CRM: creating a contact inside the caller's transaction (a channel's new sender, a booking's attendee); finding a contact by email address (booking, conversations, double opt-in); contacts' mail facts and merge values (outreach); a contact's phones and a typed number in E.164 (outreach's calls); whether a contact is restricted (conversations' emailed replies). */
export { findContactByEmail } from './contacts/find-contact-by-email';
export { readMergeValuesBatch, type ContactForMail } from './contacts/read-merge-values';
export { contactPhonesForCall, normalisePhone } from './contacts/phones-for-calls';
export { anyContactRestricted } from './contacts/contact-restricted';
export { readContactMailFacts, setContactConsentState } from './contacts/contact-consent';
export { insertContact } from './contacts/create-contact';
export { loadVisibility, withVisibility } from './visibility';
