import { StatusNote } from '../../ui/Alert';
import { outreachApi } from './api';
import { EmailLinkAction, EmailLinkPage, useEmailLink } from './EmailLinkPage';

/**
 * MAIL-4: where the footer link of a marketing email leads. Opening it changes nothing (link
 * scanners open links); the button unsubscribes at once. It names the sender and nothing more.
 */
export function UnsubscribePage() {
  const { info, confirm } = useEmailLink('unsubscribe', outreachApi.unsubscribeInfo, outreachApi.unsubscribe);
  const data = info.data;
  return (
    <EmailLinkPage title="Unsubscribe" info={info}>
      {data?.unsubscribed ? (
        <StatusNote className="mt-4">
          You are unsubscribed. {data.workspaceName} will send you no more marketing email at this address.
        </StatusNote>
      ) : null}
      {data && !data.unsubscribed ? <EmailLinkAction question={<>Stop marketing email from {data.workspaceName} to this address?</>} confirm={confirm} label="Unsubscribe" pendingLabel="Unsubscribing…" /> : null}
    </EmailLinkPage>
  );
}
