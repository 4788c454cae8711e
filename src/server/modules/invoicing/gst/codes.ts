// HSN (goods) and SAC (services) codes, and GST's unit quantity codes (UQC).

export type CodeCheck = { ok: true; kind: 'hsn' | 'sac' } | { ok: false; message: string };

/** HSN: 4, 6 or 8 digits of chapters 01–98. SAC: 6 digits starting with 99 (chapter 99 is services). */
export function checkHsnOrSac(code: string): CodeCheck {
  if (/^99[0-9]{4}$/.test(code)) return { ok: true, kind: 'sac' };
  if (!/^([0-9]{4}|[0-9]{6}|[0-9]{8})$/.test(code)) {
    return { ok: false, message: 'An HSN code is 4, 6 or 8 digits; a SAC code is 6 digits starting with 99.' };
  }
  const chapter = Number(code.slice(0, 2));
  if (chapter < 1 || chapter > 98) {
    return { ok: false, message: `Chapter ${code.slice(0, 2)} is not an HSN chapter of goods (01–98); services use a 6-digit SAC starting with 99.` };
  }
  return { ok: true, kind: 'hsn' };
}

export const UQC_CODES = [
  'BAG', 'BAL', 'BDL', 'BKL', 'BOU', 'BOX', 'BTL', 'BUN', 'CAN', 'CBM', 'CCM', 'CMS', 'CTN', 'DOZ',
  'DRM', 'GGK', 'GMS', 'GRS', 'GYD', 'KGS', 'KLR', 'KME', 'LTR', 'MLT', 'MTR', 'MTS', 'NOS', 'OTH',
  'PAC', 'PCS', 'PRS', 'QTL', 'ROL', 'SET', 'SQF', 'SQM', 'SQY', 'TBS', 'TGM', 'THD', 'TON', 'TUB',
  'UGS', 'UNT', 'YDS',
] as const;
export type Uqc = (typeof UQC_CODES)[number];

export function isUqc(code: string): code is Uqc {
  return (UQC_CODES as readonly string[]).includes(code);
}
