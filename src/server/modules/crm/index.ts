/** What other modules use of the CRM: finding a contact by email address (booking, conversations, double opt-in). */
export { findContactByEmail } from './contacts/find-contact-by-email';
