/**
 * A delivery status notification (RFC 3464) as the recipient's mail server sends it back to
 * Kestrel's inbound address for a message Kestrel sent (MAIL-3): the recipient, the status
 * (5.x.x a hard bounce, 4.x.x a delay) and, in the returned headers, Kestrel's message id.
 */
export function bounceReport({ to, recipient, kestrelId, status, reportingHost, originalSubject, boundary = `b${Math.random().toString(36).slice(2)}` }: {
  /** Kestrel's inbound address. */
  to: string;
  recipient: string;
  kestrelId: string;
  status: string;
  reportingHost: string;
  originalSubject?: string;
  boundary?: string;
}): string {
  const hard = status.startsWith('5');
  return [
    `From: Mail Delivery System <MAILER-DAEMON@${reportingHost}>`,
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${reportingHost}`,
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Action: ${hard ? 'failed' : 'delayed'}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${hard ? '550 5.1.1 mailbox unavailable' : '451 4.2.0 try later'}`,
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    `To: ${recipient}`,
    ...(originalSubject ? [`Subject: ${originalSubject}`] : []),
    `X-Kestrel-Message: ${kestrelId}`,
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
