import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { AppError, conflict } from '../../platform/http/errors';
import { getCompany, getContact } from '../crm';
import { invalidFields } from '../../platform/http/field-errors';
import type { DocumentBody, InvoiceDocument, UpdateDocumentBody } from './invoicing.contract';
import { documentLines, documents } from './invoicing.schema';
import { requireSettings } from './invoicing-settings';
import { findProduct } from './manage-products';
import { findSeries } from './manage-series';
import { findDocument, presentDocument } from './get-document';
import { checkGstin, computeDocument, GstInputError, isDomesticStateCode, placeOfSupply, type LineInput } from './gst';

/** The buyer as the CRM knows them, read through the CRM's own use cases (its visibility rules apply). */
async function crmBuyer(db: Db, ctx: WorkspaceContext, input: Pick<DocumentBody, 'companyId' | 'contactId'>): Promise<string | null> {
  const asField = async <T>(field: string, read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (e) {
      if (e instanceof AppError && (e.statusCode === 404 || e.statusCode === 403)) throw invalidFields({ [field]: 'No such record in the CRM.' });
      throw e;
    }
  };
  let name: string | null = null;
  if (input.contactId) {
    const contact = await asField('contactId', () => getContact(db, ctx, input.contactId!));
    name = [contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.email || null;
  }
  if (input.companyId) name = (await asField('companyId', () => getCompany(db, ctx, input.companyId!))).name;
  return name;
}

type Body = Omit<DocumentBody, 'documentType'> & { documentType: DocumentBody['documentType'] };

/** Validates a draft and computes its tax; every refusal names its field. */
async function prepare(tx: Tx, ctx: WorkspaceContext, input: Body, crmName: string | null) {
  const settings = await requireSettings(tx, ctx);
  const series = await findSeries(tx, ctx, input.seriesId);
  if (!series || series.documentType !== input.documentType) throw invalidFields({ seriesId: `No ${input.documentType} series with this id.` });
  const buyerName = input.buyerName ?? crmName;
  if (!buyerName) throw invalidFields({ buyerName: 'Name the buyer, or choose a company or contact.' });
  let buyerGstin: string | null = null;
  if (input.buyerGstin) {
    const check = checkGstin(input.buyerGstin);
    if (!check.ok) throw invalidFields({ buyerGstin: check.message });
    buyerGstin = check.gstin;
  }
  if (input.buyerStateCode && !isDomesticStateCode(input.buyerStateCode)) throw invalidFields({ buyerStateCode: `${input.buyerStateCode} is not a GST state code.` });

  let rateDate: string | undefined;
  let originalDocumentId: string | null = null;
  if (input.documentType === 'credit_note') {
    if (!input.originalDocumentId) throw invalidFields({ originalDocumentId: 'A credit note names the invoice it corrects.' });
    const original = await findDocument(tx, ctx, input.originalDocumentId).catch(() => null);
    if (!original || original.documentType !== 'invoice' || original.number === null) throw invalidFields({ originalDocumentId: 'Not an issued invoice of this workspace.' });
    rateDate = original.documentDate;
    originalDocumentId = original.id;
  }

  const lines: (LineInput & { productId: string | null; description: string })[] = [];
  for (const [i, l] of input.lines.entries()) {
    const product = l.productId ? await findProduct(tx, ctx, l.productId).catch(() => null) : null;
    if (l.productId && !product) throw invalidFields({ [`lines.${i}.productId`]: 'No such product.' });
    const pick = <K extends 'hsn' | 'uqc' | 'rateBps'>(k: K) => {
      const v = l[k] ?? product?.[k];
      if (v === undefined) throw invalidFields({ [`lines.${i}.${k}`]: 'Required without a product.' });
      return v as NonNullable<(typeof l)[K]>;
    };
    const unitPricePaise = l.unitPricePaise ?? product?.pricePaise;
    if (unitPricePaise === undefined) throw invalidFields({ [`lines.${i}.unitPricePaise`]: 'Required without a product.' });
    const description = l.description ?? product?.name;
    if (!description) throw invalidFields({ [`lines.${i}.description`]: 'Required without a product.' });
    lines.push({
      productId: product?.id ?? null, description, hsn: pick('hsn'), uqc: pick('uqc'), rateBps: pick('rateBps'),
      quantityMilli: l.quantityMilli, unitPricePaise, priceIncludesTax: l.priceIncludesTax ?? product?.priceIncludesTax ?? false,
      cessBps: l.cessBps ?? product?.cessBps ?? 0, discount: l.discount ?? null,
    });
  }

  try {
    const pos = placeOfSupply({ supplyKind: input.supplyKind, supplierStateCode: settings.stateCode, buyerGstin, buyerStateCode: input.buyerStateCode });
    const result = computeDocument({ date: input.documentDate, rateDate, supplierStateCode: settings.stateCode, placeOfSupply: pos, supplyKind: input.supplyKind, lines, discount: input.discount ?? null });
    const { lines: computed, hsnSummary: _, exactTotalPaise: __, discountPaise: ___, ...totals } = result;
    const head = {
      documentType: input.documentType, seriesId: series.id, documentDate: input.documentDate, dueDate: input.dueDate ?? null,
      companyId: input.companyId ?? null, contactId: input.contactId ?? null, buyerName, buyerGstin, buyerStateCode: input.buyerStateCode ?? null,
      supplierGstin: settings.gstin, supplierStateCode: settings.stateCode, placeOfSupply: pos, supplyKind: input.supplyKind,
      originalDocumentId, discount: input.discount ?? null, notes: input.notes ?? null, ...totals,
    };
    const lineRows = lines.map((l, position) => {
      const c = computed[position]!;
      return {
        workspaceId: ctx.workspaceId, position, productId: l.productId, description: l.description, hsn: l.hsn, uqc: l.uqc,
        quantityMilli: l.quantityMilli, unitPricePaise: l.unitPricePaise, priceIncludesTax: l.priceIncludesTax ?? false,
        rateBps: l.rateBps, cessBps: l.cessBps ?? 0, discount: l.discount ?? null, taxablePaise: c.taxablePaise, cgstPaise: c.cgstPaise,
        sgstPaise: c.sgstPaise, utgstPaise: c.utgstPaise, igstPaise: c.igstPaise, cessPaise: c.cessPaise, totalPaise: c.totalPaise,
      };
    });
    return { head, lineRows };
  } catch (e) {
    if (e instanceof GstInputError) throw invalidFields({ [e.field]: e.message });
    throw e;
  }
}

/** INV-2: a draft quote, invoice or credit note, its tax computed line by line. */
export async function createDocument(db: Db, ctx: WorkspaceContext, input: DocumentBody): Promise<InvoiceDocument> {
  const crmName = await crmBuyer(db, ctx, input);
  return withTenant(db, ctx, async (tx) => {
    const { head, lineRows } = await prepare(tx, ctx, input, crmName);
    const [row] = await tx.insert(documents).values({ ...head, workspaceId: ctx.workspaceId }).returning();
    const lines = await tx.insert(documentLines).values(lineRows.map((l) => ({ ...l, documentId: row!.id }))).returning();
    return presentDocument(row!, lines);
  });
}

/** INV-2: only a draft changes; an issued document is cancelled or credited, never edited (409). */
export async function updateDocument(db: Db, ctx: WorkspaceContext, id: string, input: UpdateDocumentBody): Promise<InvoiceDocument> {
  const crmName = await crmBuyer(db, ctx, input);
  return withTenant(db, ctx, async (tx) => {
    const current = await findDocument(tx, ctx, id, true);
    if (current.status !== 'draft') throw conflict('document_issued', `${current.number ?? 'This document'} is ${current.status}; issue a credit note or cancel it instead.`, { field: 'status' });
    if (current.version !== input.version) throw conflict('version_conflict', 'The document changed since you opened it.', { field: 'version', current: current.version });
    const { head, lineRows } = await prepare(tx, ctx, { ...input, documentType: current.documentType }, crmName);
    const [row] = await tx.update(documents).set({ ...head, version: current.version + 1, updatedAt: new Date() })
      .where(and(eq(documents.workspaceId, ctx.workspaceId), eq(documents.id, id))).returning();
    await tx.delete(documentLines).where(and(eq(documentLines.workspaceId, ctx.workspaceId), eq(documentLines.documentId, id)));
    const lines = await tx.insert(documentLines).values(lineRows.map((l) => ({ ...l, documentId: id }))).returning();
    return presentDocument(row!, lines);
  });
}
