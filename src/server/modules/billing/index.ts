/** What other modules use of billing: counting what a workspace's plan limits (BILL-1). */
export { consume } from './limits';
