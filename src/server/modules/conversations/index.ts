/** What other modules may use of conversations (STYLE: a module reaches another only through its use cases). */
export { sendWhatsappDocument, type DocumentToSend } from './channels/whatsapp-document';
export { setProductKnowledge } from './knowledge';
/** MAIL-4: the workspace's inbound address, where outreach's unsubscribe-by-mail arrives. */
export { inboundAddressOf } from './channel-settings';
/** PRIV-1: which messaging channels a workspace (or the instance) has connected, for the privacy page's list of processors. */
export { metaMessagingConnected, metaMessagingConnectedAnywhere, whatsappConnected, whatsappConnectedAnywhere } from './channel-settings';
/** The demo workspace's inbox (demo-data.ts) is made through the same use cases a visitor, a customer's mail and the team go through. */
export { startConversation, sendVisitorMessage, askForPerson, leaveContact } from './widget-session';
export { postStaffMessage } from './inbox';
export { updateWidgetSettings } from './widget-settings';
export { receiveEmail } from './receive-email';
