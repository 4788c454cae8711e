/** What other modules may use of conversations (STYLE: a module reaches another only through its use cases). */
export { sendWhatsappDocument, type DocumentToSend } from './channels/whatsapp-document';
export { setProductKnowledge } from './knowledge';
/** The demo workspace's inbox (demo-data.ts) is made through the same use cases a visitor, a customer's mail and the team go through. */
export { startConversation, sendVisitorMessage, askForPerson, leaveContact } from './widget-session';
export { postStaffMessage } from './inbox';
export { updateWidgetSettings } from './widget-settings';
export { receiveEmail } from './receive-email';
