import type { TaxAmounts } from '../../../server/modules/invoicing/gst/compute';
import { amountInWords } from '../../../server/modules/invoicing/gst/words';
import { inr, stateName } from './format';

type Totals = TaxAmounts & { roundOffPaise: number; grandTotalPaise: number };

const regimeText = { 'cgst-sgst': 'CGST + SGST (same state)', 'cgst-utgst': 'CGST + UTGST (union territory)', igst: 'IGST (other state)', 'zero-rated': 'Zero-rated (no tax)' } as const;

/** The taxable value, each tax that applies and the rounded total, with the total in words. */
export function TotalsPanel({ totals, regime, placeOfSupply, label = 'Totals', discountPaise = 0 }: { totals: Totals; regime: keyof typeof regimeText; placeOfSupply: string; label?: string; discountPaise?: number }) {
  const rows: [string, number][] = [];
  if (discountPaise) rows.push(['Discount (before tax)', -discountPaise]);
  rows.push(['Taxable value', totals.taxablePaise]);
  if (regime === 'cgst-sgst' || regime === 'cgst-utgst') rows.push(['CGST', totals.cgstPaise], [regime === 'cgst-sgst' ? 'SGST' : 'UTGST', regime === 'cgst-sgst' ? totals.sgstPaise : totals.utgstPaise]);
  if (regime === 'igst') rows.push(['IGST', totals.igstPaise]);
  if (totals.cessPaise) rows.push(['Cess', totals.cessPaise]);
  rows.push(['Round-off', totals.roundOffPaise]);
  return (
    <section aria-label={label} className="rounded-lg border border-stone-200 bg-white p-4">
      <p className="text-sm text-stone-600">
        Place of supply <span className="font-medium text-stone-900">{placeOfSupply === '96' ? 'Outside India (96)' : `${stateName(placeOfSupply)} (${placeOfSupply})`}</span>
        <span className="block" data-testid="tax-regime">{regimeText[regime]}</span>
      </p>
      <dl className="mt-3 space-y-1 text-sm">
        {rows.map(([k, v]) => (
          <div key={k} className="flex justify-between gap-4">
            <dt className="text-stone-600">{k}</dt>
            <dd className="text-stone-900 tabular-nums">{inr(v)}</dd>
          </div>
        ))}
        <div className="flex justify-between gap-4 border-t border-stone-200 pt-2 text-base font-semibold">
          <dt>Total</dt>
          <dd className="tabular-nums" data-testid="grand-total">{inr(totals.grandTotalPaise)}</dd>
        </div>
      </dl>
      <p className="mt-2 text-xs text-stone-500">{amountInWords(totals.grandTotalPaise)}</p>
    </section>
  );
}
