import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { outreachApi } from './api';
import { EmailLinkAction, EmailLinkPage, useEmailLink } from './EmailLinkPage';

/**
 * MAIL-4: where a double opt-in confirmation mail leads. Opening it changes nothing (link
 * scanners open links); the button confirms, and that is the consent recorded.
 */
export function OptInPage() {
  const { info, confirm } = useEmailLink('opt-in', outreachApi.optInInfo, outreachApi.confirmOptIn);
  const data = info.data;
  return (
    <EmailLinkPage title="Confirm your subscription" info={info}>
      {data?.confirmed ? <StatusNote className="mt-4">You are subscribed. {data.workspaceName} may now send you email at this address; every one has a link to stop.</StatusNote> : null}
      {data && !data.confirmed && data.expired ? <ErrorAlert className="mt-4">This link has expired. Subscribe again on {data.workspaceName}’s site to get a new one.</ErrorAlert> : null}
      {data && !data.confirmed && !data.expired ? <EmailLinkAction question={<>Receive email from {data.workspaceName} at this address?</>} confirm={confirm} label="Yes, subscribe me" pendingLabel="Confirming…" /> : null}
    </EmailLinkPage>
  );
}
