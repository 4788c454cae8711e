import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { ALL_RATES_BPS } from '../../../server/modules/invoicing/gst/rates';
import { UQC_CODES } from '../../../server/modules/invoicing/gst/codes';
import { errorMessage, isApiError } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { announce } from '../../ui/Announcer';
import { Button } from '../../ui/Button';
import { CheckboxField, SelectField, TextField } from '../../ui/Field';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { Dialog } from '../crm/Dialog';
import { invoicingApi, invoicingKeys, useProducts, type Product } from './api';
import { inr, parsePercentBps, parseQuantity, parseRupees, quantityText, rateText, rupeesText } from './format';
import { InvoicingNav } from './InvoicingNav';

/** INV-1: products and services with HSN/SAC, unit, price, GST rate and stock. */
export function ProductsPage() {
  const { workspaceId } = useParams({ strict: false }) as { workspaceId: string };
  const products = useProducts(workspaceId);
  const [editing, setEditing] = useState<Product | 'new' | null>(null);
  const [stockFor, setStockFor] = useState<Product | null>(null);
  return (
    <div className="max-w-5xl">
      <PageHeading description="What you sell, with its HSN (goods) or SAC (services) code, GST rate and stock." actions={<Button onClick={() => setEditing('new')}>Add product</Button>}>
        Products & stock
      </PageHeading>
      <InvoicingNav workspaceId={workspaceId} />
      {products.isPending ? <SkeletonList rows={3} label="Loading products…" /> : products.isError ? <ErrorAlert>{errorMessage(products.error)}</ErrorAlert> : products.data.items.length === 0 ? (
        <EmptyState title="No products yet" action={<Button onClick={() => setEditing('new')}>Add product</Button>}>
          Add the goods and services you invoice. Each needs an HSN code (4, 6 or 8 digits) or a SAC code (6 digits starting 99), a unit and a GST rate; goods keep a stock count.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
          {products.data.items.map((p) => (
            <li key={p.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
              <div className="min-w-0 basis-full sm:basis-0 sm:flex-1">
                <p className="truncate font-medium text-stone-900">{p.name}</p>
                <p className="text-xs text-stone-500">{p.sku} · {p.kind === 'goods' ? 'HSN' : 'SAC'} {p.hsn} · {p.uqc} · GST {rateText(p.rateBps)}{p.cessBps ? ` + cess ${rateText(p.cessBps)}` : ''}</p>
              </div>
              <span className="text-sm tabular-nums">{inr(p.pricePaise)}{p.priceIncludesTax ? ' incl. tax' : ''}</span>
              {p.trackStock ? (
                <span className="text-sm tabular-nums">
                  <span className={`block ${p.lowStock ? 'font-medium text-red-700' : 'text-stone-700'}`}>{quantityText(p.stockMilli)} in stock{p.lowStock ? ' · low' : ''}</span>
                  {p.stockValuePaise ? <span className="block text-xs text-stone-500">worth {inr(p.stockValuePaise)} at cost</span> : null}
                </span>
              ) : <span className="text-sm text-stone-500">No stock kept</span>}
              <span className="flex gap-1">
                {p.trackStock ? <Button size="sm" variant="secondary" onClick={() => setStockFor(p)} aria-label={`Record stock for ${p.name}`}>Stock</Button> : null}
                <Button size="sm" variant="ghost" onClick={() => setEditing(p)} aria-label={`Edit ${p.name}`}>Edit</Button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {products.data && products.data.items.length > 0 ? (
        <p className="mt-3 text-sm text-stone-700" data-testid="stock-value">
          Stock on hand at cost: <span className="font-semibold tabular-nums">{inr(products.data.stockValuePaise)}</span>
          <span className="text-stone-500"> · each product's stock at its unit cost before GST</span>
        </p>
      ) : null}
      <ProductDialog workspaceId={workspaceId} product={editing} onClose={() => setEditing(null)} />
      <StockDialog workspaceId={workspaceId} product={stockFor} onClose={() => setStockFor(null)} />
    </div>
  );
}

const productFields = ['sku', 'name', 'hsn', 'uqc', 'pricePaise', 'costPricePaise', 'rateBps', 'cessBps', 'reorderLevelMilli'] as const;

function ProductDialog({ workspaceId, product, onClose }: { workspaceId: string; product: Product | 'new' | null; onClose: () => void }) {
  const p = product === 'new' ? null : product;
  return (
    <Dialog open={product !== null} onClose={onClose} title={p ? `Edit ${p.name}` : 'Add product'} wide>
      {product !== null ? <ProductForm key={p?.id ?? 'new'} workspaceId={workspaceId} product={p} onDone={onClose} /> : null}
    </Dialog>
  );
}

function ProductForm({ workspaceId, product, onDone }: { workspaceId: string; product: Product | null; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [v, setV] = useState({
    sku: product?.sku ?? '', name: product?.name ?? '', hsn: product?.hsn ?? '', uqc: product?.uqc ?? 'NOS', price: product ? rupeesText(product.pricePaise) : '',
    cost: product ? rupeesText(product.costPricePaise) : '0', priceIncludesTax: product?.priceIncludesTax ?? false, rateBps: product?.rateBps ?? 1800, cess: product ? String(product.cessBps / 100) : '0', reorder: product ? quantityText(product.reorderLevelMilli) : '0',
  });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () => {
      const pricePaise = parseRupees(v.price);
      const reorderLevelMilli = parseQuantity(v.reorder);
      const costPricePaise = parseRupees(v.cost);
      const cessBps = parsePercentBps(v.cess);
      const bad: Record<string, string> = {};
      if (cessBps === null) bad.cessBps = 'A percentage, like 0 or 12; 0 when no cess applies.';
      if (costPricePaise === null) bad.costPricePaise = 'What one unit costs you, like 600 or 0.';
      if (pricePaise === null) bad.pricePaise = 'A price in rupees, like 1250 or 99.50.';
      if (reorderLevelMilli === null) bad.reorderLevelMilli = 'A quantity, like 10.';
      if (Object.keys(bad).length) throw Object.assign(new Error('Check the form.'), { fields: bad });
      const body = { sku: v.sku.trim(), name: v.name.trim(), hsn: v.hsn.trim(), uqc: v.uqc, pricePaise: pricePaise!, costPricePaise: costPricePaise!, priceIncludesTax: v.priceIncludesTax, rateBps: v.rateBps, cessBps: cessBps!, reorderLevelMilli: reorderLevelMilli! };
      return product ? invoicingApi.updateProduct(workspaceId, product.id, { ...body, version: product.version }) : invoicingApi.createProduct(workspaceId, body);
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: invoicingKeys.products(workspaceId) });
      announce(`${saved.name} saved.`);
      onDone();
    },
    onError: (e) => {
      setFields(isApiError(e) ? e.fields : ((e as { fields?: Record<string, string> }).fields ?? {}));
      setError(errorMessage(e) === 'Something went wrong. Try again.' ? e.message : errorMessage(e));
    },
  });
  const f = (k: (typeof productFields)[number]) => fields[k];
  return (
    <form noValidate className="grid gap-4 sm:grid-cols-2" onSubmit={(e) => { e.preventDefault(); setError(null); setFields({}); save.mutate(); }}>
      <TextField label="Name" value={v.name} maxLength={200} onChange={(e) => setV({ ...v, name: e.target.value })} error={f('name')} required />
      <TextField label="SKU" value={v.sku} maxLength={40} onChange={(e) => setV({ ...v, sku: e.target.value })} error={f('sku')} required />
      <TextField label="HSN or SAC code" value={v.hsn} maxLength={8} inputMode="numeric" onChange={(e) => setV({ ...v, hsn: e.target.value })} error={f('hsn')} hint="Goods: HSN, 4–8 digits. Services: SAC, 6 digits starting 99." />
      <SelectField label="Unit (UQC)" value={v.uqc} onChange={(e) => setV({ ...v, uqc: e.target.value })} options={UQC_CODES.map((u) => ({ value: u, label: u }))} error={f('uqc')} />
      <TextField label="Price (₹)" value={v.price} inputMode="decimal" onChange={(e) => setV({ ...v, price: e.target.value })} error={f('pricePaise')} />
      <TextField label="Unit cost (₹)" value={v.cost} inputMode="decimal" onChange={(e) => setV({ ...v, cost: e.target.value })} error={f('costPricePaise')} hint="Before GST; a purchase with a unit cost updates it. Used for profit." />
      <SelectField label="GST rate" value={String(v.rateBps)} onChange={(e) => setV({ ...v, rateBps: Number(e.target.value) })} options={ALL_RATES_BPS.map((r) => ({ value: String(r), label: rateText(r) }))} error={f('rateBps')} />
      <TextField label="Cess (%)" value={v.cess} inputMode="decimal" onChange={(e) => setV({ ...v, cess: e.target.value })} error={f('cessBps')} hint="Compensation cess on top of GST, where it applies (tobacco, some old invoices); else 0." />
      <TextField label="Reorder level" value={v.reorder} inputMode="decimal" onChange={(e) => setV({ ...v, reorder: e.target.value })} error={f('reorderLevelMilli')} hint="Below this, the product shows as low on stock." />
      <div className="flex items-end"><CheckboxField label="The price includes GST" checked={v.priceIncludesTax} onChange={(e) => setV({ ...v, priceIncludesTax: e.target.checked })} /></div>
      {error ? <ErrorAlert className="sm:col-span-2">{error}</ErrorAlert> : null}
      <div className="flex justify-end gap-2 sm:col-span-2">
        <Button variant="ghost" onClick={onDone}>Cancel</Button>
        <Button type="submit" pending={save.isPending}>Save product</Button>
      </div>
    </form>
  );
}

function StockDialog({ workspaceId, product, onClose }: { workspaceId: string; product: Product | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<'purchase' | 'adjustment' | 'return'>('purchase');
  const [qty, setQty] = useState('');
  const [cost, setCost] = useState('');
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () => {
      const negative = kind === 'adjustment' && qty.trim().startsWith('-');
      const milli = parseQuantity(qty.trim().replace(/^-/, ''));
      if (!milli) throw new Error('A quantity more than zero, like 50 (an adjustment may be negative: -2).');
      const unitCostPaise = kind === 'purchase' && cost.trim() ? parseRupees(cost) : undefined;
      if (unitCostPaise === null) throw new Error('A cost per unit in rupees, like 600 or 99.50.');
      return invoicingApi.recordMovement(workspaceId, product!.id, { kind, quantityMilli: negative ? -milli : milli, ...(unitCostPaise !== undefined ? { unitCostPaise } : {}) });
    },
    onSuccess: async (r) => {
      await queryClient.invalidateQueries({ queryKey: invoicingKeys.products(workspaceId) });
      announce(`${r.product.name}: ${quantityText(r.product.stockMilli)} in stock.`);
      setQty('');
      setCost('');
      onClose();
    },
    onError: (e) => setError(e instanceof Error && !isApiError(e) ? e.message : errorMessage(e)),
  });
  return (
    <Dialog open={product !== null} onClose={onClose} title={`Stock of ${product?.name ?? ''}`} description={product ? `${quantityText(product.stockMilli)} ${product.uqc} in stock now.` : undefined}>
      <form noValidate className="space-y-4" onSubmit={(e) => { e.preventDefault(); setError(null); save.mutate(); }}>
        <SelectField label="What happened" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} options={[{ value: 'purchase', label: 'Purchase (stock in)' }, { value: 'return', label: 'Customer return (stock in)' }, { value: 'adjustment', label: 'Adjustment (count correction)' }]} />
        <TextField label="Quantity" inputMode="decimal" value={qty} onChange={(e) => setQty(e.target.value)} />
        {kind === 'purchase' ? <TextField label="Cost per unit (₹)" optional inputMode="decimal" value={cost} onChange={(e) => setCost(e.target.value)} hint={product ? `Before GST. Now ${inr(product.costPricePaise)}.` : undefined} /> : null}
        {error ? <ErrorAlert>{error}</ErrorAlert> : null}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={onClose}>Cancel</Button>
          <Button type="submit" pending={save.isPending}>Record</Button>
        </div>
      </form>
    </Dialog>
  );
}
