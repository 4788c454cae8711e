/** What other modules use of outreach: privacy's erasure keeps an erased person uncontactable through the one suppression list (MAIL-4, PRIV-3); the inbound email route hands over DSNs, unsubscribe mails and replies, which end sequences (MAIL-2, MAIL-3, MAIL-4). */
export { recordConsentIn, suppressErased, suppressErasedAddress, suppressionOf } from './mail/consent';
export { sendOutreachMail, type OutreachMailInput, type SendOutcome } from './mail/send-outreach-mail';
export { sendingAccountKindsInUse } from './mail/account-kinds';
export { receiveOutreachDsn, receiveUnsubscribeMail } from './mail/inbound-mail';
export { pauseSequencesOnAutoReply, stopSequencesForContact, stopSequencesOnReply } from './sequences/stop-enrolments';
/** AI-2: Forge's approved templates and call scripts become outreach templates. */
export { checkWrittenTemplate, saveWrittenTemplate } from './templates/manage-templates';
/** AI-2: Forge's approved sequence becomes a draft sequence of its own templates. */
export { checkWrittenSequence, saveWrittenSequence } from './sequences/manage-sequences';
/** MAIL-2: outreach listens to booking (a booked lead's sequences stop); wired at boot. */
export { registerOutreachListeners } from './outreach.events';
