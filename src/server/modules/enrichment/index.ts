/** What other modules use of enrichment: which data provider a workspace sends records to, if any (PRIV-1's privacy page names it). */
export { workspaceDataProvider } from './provider-in-use';
