/** What other modules use of accounts: a person's name and address (outreach's sender and Reply-To, who added a row), finding a person by address and sending them a sign-in code (invitations), and a request's origin and sign-out for other modules' routes. */
export { memberProfile, userEmailOf, userNameOf, userNames } from './member-profile';
export { findUserByEmail, findUserById, type User } from './users';
export { issueSignInCode } from './sign-in-codes';
export { requestMeta, type RequestMeta } from './request-meta';
export { clearSessionCookie } from './session-cookie';
/** PRIV-3: an account's deletion asks for its second factor as sign-in does. */
export { checkSecondFactor } from './two-factor';
