import { describe, expect, it } from 'vitest';
import { explainIssue } from './payment-issues';

describe('money that does not fit its invoice, in words', () => {
  it('INV-5 a link paid after the invoice was settled another way says it was already paid in full, not that ₹0.00 was still due', () => {
    const base = { reason: 'over_balance' as const, amountPaise: 1_180_00, currency: 'INR', provider: 'razorpay' as const };
    expect(explainIssue({ ...base, balancePaise: 0 }, 'INV/2026-27/0042').why).toBe('₹1,180.00 arrived through Razorpay for INV/2026-27/0042, which was already paid in full.');
    expect(explainIssue({ ...base, balancePaise: 180_00 }, 'INV/2026-27/0042').why).toBe('₹1,180.00 arrived through Razorpay for INV/2026-27/0042, but only ₹180.00 was still due.');
    expect(explainIssue({ ...base, provider: 'stripe', balancePaise: 0 }, null).todo).toContain('Stripe dashboard');
  });
});
