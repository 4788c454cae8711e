import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict, notFound } from '../../platform/http/errors';
import { FieldErrors, invalidFields } from '../../platform/http/field-errors';
import type { MovementBody, Product, ProductBody, UpdateProductBody } from './invoicing.contract';
import { products, stockMovements } from './invoicing.schema';
import { checkHsnOrSac, formatRate, isRateValidOn, isUqc, mulDivRound } from './gst';
import { setProductKnowledge } from '../conversations';

export type ProductRow = typeof products.$inferSelect;
export type MovementRow = typeof stockMovements.$inferSelect;

const today = () => new Date().toISOString().slice(0, 10);

export function presentProduct({ workspaceId: _, ...r }: ProductRow): Product {
  return {
    ...r,
    kind: r.hsn.startsWith('99') ? 'service' : 'goods',
    // Below zero is below any reorder level, 0 included.
    lowStock: r.trackStock && (r.stockMilli < 0 || (r.reorderLevelMilli > 0 && r.stockMilli <= r.reorderLevelMilli)),
    stockValuePaise: stockValue(r),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** INV-1: what the stock on hand cost, at the product's cost price (stock below zero is worth nothing). */
const stockValue = (r: Pick<ProductRow, 'trackStock' | 'stockMilli' | 'costPricePaise'>) =>
  r.trackStock && r.stockMilli > 0 ? mulDivRound(r.stockMilli, r.costPricePaise, 1000) : 0;

export const presentMovement = ({ workspaceId: _, ...m }: MovementRow) => ({ ...m, createdAt: m.createdAt.toISOString() });

function checkProduct(input: Partial<ProductBody>): void {
  const errors = new FieldErrors();
  if (input.hsn !== undefined) {
    const code = checkHsnOrSac(input.hsn);
    if (!code.ok) errors.add('hsn', code.message);
  }
  if (input.uqc !== undefined && !isUqc(input.uqc)) errors.add('uqc', `${input.uqc} is not a GST unit quantity code (UQC) such as NOS, KGS or PCS.`);
  if (input.rateBps !== undefined && !isRateValidOn(input.rateBps, today())) errors.add('rateBps', `${formatRate(input.rateBps)} is not a GST rate today.`);
  errors.throwIfAny();
}

/**
 * CONV-2: a product as the website assistant may tell a visitor: its name, what it is and its
 * price as invoiced (with or without GST), nothing else (not the cost or the stock). No price set:
 * the assistant is told the price is not listed, so it asks a person rather than guessing.
 */
const inr = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR' });

export function productKnowledge(r: Pick<ProductRow, 'id' | 'name' | 'sku' | 'hsn' | 'pricePaise' | 'priceIncludesTax' | 'rateBps'>) {
  const what = r.hsn.startsWith('99') ? 'a service we offer' : 'a product we sell';
  const tax = r.rateBps === 0 ? 'no GST' : r.priceIncludesTax ? `GST of ${formatRate(r.rateBps)} included` : `plus GST of ${formatRate(r.rateBps)}`;
  const price = r.pricePaise > 0 ? `Price: ${inr.format(r.pricePaise / 100)} each, ${tax}.` : 'Its price is not listed: a person from the team will tell you.';
  return { productId: r.id, title: r.name, body: `${r.name} (SKU ${r.sku}) is ${what}. ${price}` };
}

const skuTaken = (e: unknown) => (e as { code?: string; cause?: { code?: string } }).code === '23505' || (e as { cause?: { code?: string } }).cause?.code === '23505';

/** INV-1: a product (HSN) or service (SAC). Services do not track stock unless asked. */
export async function createProduct(db: Db, ctx: WorkspaceContext, input: ProductBody): Promise<Product> {
  checkProduct(input);
  const trackStock = input.trackStock ?? !input.hsn.startsWith('99');
  try {
    return await withTenant(db, ctx, async (tx) => {
      const [row] = await tx.insert(products).values({ ...input, trackStock, workspaceId: ctx.workspaceId }).returning();
      await setProductKnowledge(tx, ctx.workspaceId, productKnowledge(row!));
      return presentProduct(row!);
    });
  } catch (e) {
    if (skuTaken(e)) throw conflict('sku_taken', `SKU ${input.sku} is in use.`, { field: 'sku' });
    throw e;
  }
}

export async function findProduct(tx: Tx, ctx: WorkspaceContext, id: string, lock = false): Promise<ProductRow> {
  const q = tx.select().from(products).where(and(eq(products.workspaceId, ctx.workspaceId), eq(products.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Product');
  return row;
}

export async function getProduct(db: Db, ctx: WorkspaceContext, id: string): Promise<Product> {
  return withTenant(db, ctx, async (tx) => presentProduct(await findProduct(tx, ctx, id)));
}

export async function listProducts(db: Db, ctx: WorkspaceContext, query: { lowStock?: 'true' | 'false' }): Promise<{ items: Product[]; stockValuePaise: number }> {
  return withTenant(db, ctx, async (tx) => {
    const low = sql`${products.trackStock} and (${products.stockMilli} < 0 or (${products.reorderLevelMilli} > 0 and ${products.stockMilli} <= ${products.reorderLevelMilli}))`;
    const where = query.lowStock === 'true' ? and(eq(products.workspaceId, ctx.workspaceId), low) : eq(products.workspaceId, ctx.workspaceId);
    const rows = await tx.select().from(products).where(where).orderBy(asc(products.name)).limit(1000);
    // The total covers every product, not only the first 1,000: each rounded as on its own row, so they add up.
    const [total] = await tx.select({ paise: sql<string>`coalesce(sum(round(${products.stockMilli}::numeric * ${products.costPricePaise} / 1000)), 0)` })
      .from(products).where(and(where, eq(products.trackStock, true), sql`${products.stockMilli} > 0`));
    return { items: rows.map(presentProduct), stockValuePaise: Number(total!.paise) };
  });
}

/** INV-1: change a product; 409 when it changed since `version`. Stock changes only through movements. */
export async function updateProduct(db: Db, ctx: WorkspaceContext, id: string, input: UpdateProductBody): Promise<Product> {
  const { version, ...changes } = input;
  checkProduct(changes);
  try {
    return await withTenant(db, ctx, async (tx) => {
      const row = await findProduct(tx, ctx, id, true);
      if (row.version !== version) throw conflict('version_conflict', 'The product changed since you opened it.', { field: 'version', current: row.version });
      const [next] = await tx.update(products).set({ ...changes, version: row.version + 1, updatedAt: new Date() })
        .where(and(eq(products.workspaceId, ctx.workspaceId), eq(products.id, id))).returning();
      await setProductKnowledge(tx, ctx.workspaceId, productKnowledge(next!));
      return presentProduct(next!);
    });
  } catch (e) {
    if (skuTaken(e)) throw conflict('sku_taken', `SKU ${changes.sku} is in use.`, { field: 'sku' });
    throw e;
  }
}

/** Moves stock of a locked product and records why; the caller decides whether below zero is allowed. */
export async function moveStock(tx: Tx, ctx: WorkspaceContext, product: ProductRow, m: { kind: MovementRow['kind']; quantityMilli: number; documentId?: string | null; note?: string | null; unitCostPaise?: number | null }) {
  // A sale or return by document carries the product's cost price then: the profit report's cost of goods.
  const unitCostPaise = m.unitCostPaise ?? (m.documentId ? product.costPricePaise : null);
  const [movement] = await tx.insert(stockMovements).values({ workspaceId: ctx.workspaceId, productId: product.id, ...m, unitCostPaise }).returning();
  const cost = m.kind === 'purchase' && m.unitCostPaise != null ? { costPricePaise: m.unitCostPaise } : {};
  const [next] = await tx.update(products).set({ stockMilli: sql`${products.stockMilli} + ${m.quantityMilli}`, ...cost, updatedAt: new Date() })
    .where(and(eq(products.workspaceId, ctx.workspaceId), eq(products.id, product.id))).returning();
  return { movement: movement!, product: next! };
}

/** INV-1: a purchase or return adds stock; an adjustment corrects it either way. Never below zero by hand. */
export async function recordStockMovement(db: Db, ctx: WorkspaceContext, productId: string, input: MovementBody) {
  if (input.quantityMilli === 0 || (input.kind !== 'adjustment' && input.quantityMilli < 0)) {
    throw invalidFields({ quantityMilli: input.kind === 'adjustment' ? 'An adjustment changes stock by a non-zero amount.' : 'A purchase or return adds a positive quantity.' });
  }
  return withTenant(db, ctx, async (tx) => {
    const product = await findProduct(tx, ctx, productId, true);
    if (!product.trackStock) throw conflict('stock_not_tracked', 'This product does not track stock.', { field: 'productId' });
    if (product.stockMilli + input.quantityMilli < 0) throw conflict('insufficient_stock', 'Stock would fall below zero.', { field: 'quantityMilli', stockMilli: product.stockMilli });
    const { movement, product: next } = await moveStock(tx, ctx, product, { kind: input.kind, quantityMilli: input.quantityMilli, note: input.note ?? null, unitCostPaise: input.kind === 'purchase' ? (input.unitCostPaise ?? null) : null });
    return { movement: presentMovement(movement), product: presentProduct(next) };
  });
}

export async function listStockMovements(db: Db, ctx: WorkspaceContext, productId: string) {
  return withTenant(db, ctx, async (tx) => {
    await findProduct(tx, ctx, productId);
    const rows = await tx.select().from(stockMovements)
      .where(and(eq(stockMovements.workspaceId, ctx.workspaceId), eq(stockMovements.productId, productId)))
      .orderBy(desc(stockMovements.createdAt)).limit(500);
    return { items: rows.map(presentMovement) };
  });
}

