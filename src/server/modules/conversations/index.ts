/** What other modules may use of conversations (STYLE: a module reaches another only through its use cases). */
export { sendWhatsappDocument, type DocumentToSend } from './channels/whatsapp-document';
export { setProductKnowledge } from './knowledge';
