/** Where a request came from, for sessions, rate limits and the audit log. */
export interface RequestMeta {
  ip: string;
  userAgent: string | null;
}
