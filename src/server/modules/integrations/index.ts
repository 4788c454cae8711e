/** What other modules use of integrations: a member's OAuth connections (access tokens, whether each is live). */
export { accessToken, connectionStates, expireAccessToken } from './oauth-connections';
