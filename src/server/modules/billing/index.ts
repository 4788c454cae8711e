/** What other modules use of billing: counting what a workspace's plan limits (BILL-1), and charging AI calls against the plan's credits. */
export { admit, billingEnabled, consume } from './limits';
export { chargeAiCall, releaseAiCall, type AiCharge } from './charge';
