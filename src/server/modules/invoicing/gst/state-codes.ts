// GST state codes as the GST portal uses them (first two characters of a GSTIN, and the
// `pos` of GSTR-1). Union territories without a legislature levy UTGST instead of SGST.
export type StateKind = 'state' | 'ut-with-legislature' | 'ut-without-legislature' | 'foreign';

export interface GstState {
  code: string;
  name: string;
  kind: StateKind;
}

const table: ReadonlyArray<readonly [string, string, StateKind]> = [
  ['01', 'Jammu and Kashmir', 'ut-with-legislature'],
  ['02', 'Himachal Pradesh', 'state'],
  ['03', 'Punjab', 'state'],
  ['04', 'Chandigarh', 'ut-without-legislature'],
  ['05', 'Uttarakhand', 'state'],
  ['06', 'Haryana', 'state'],
  ['07', 'Delhi', 'ut-with-legislature'],
  ['08', 'Rajasthan', 'state'],
  ['09', 'Uttar Pradesh', 'state'],
  ['10', 'Bihar', 'state'],
  ['11', 'Sikkim', 'state'],
  ['12', 'Arunachal Pradesh', 'state'],
  ['13', 'Nagaland', 'state'],
  ['14', 'Manipur', 'state'],
  ['15', 'Mizoram', 'state'],
  ['16', 'Tripura', 'state'],
  ['17', 'Meghalaya', 'state'],
  ['18', 'Assam', 'state'],
  ['19', 'West Bengal', 'state'],
  ['20', 'Jharkhand', 'state'],
  ['21', 'Odisha', 'state'],
  ['22', 'Chhattisgarh', 'state'],
  ['23', 'Madhya Pradesh', 'state'],
  ['24', 'Gujarat', 'state'],
  // 25 (Daman and Diu) merged into 26 in January 2020; the portal still accepts 25 on old GSTINs.
  ['25', 'Daman and Diu', 'ut-without-legislature'],
  ['26', 'Dadra and Nagar Haveli and Daman and Diu', 'ut-without-legislature'],
  ['27', 'Maharashtra', 'state'],
  ['28', 'Andhra Pradesh (before division)', 'state'],
  ['29', 'Karnataka', 'state'],
  ['30', 'Goa', 'state'],
  ['31', 'Lakshadweep', 'ut-without-legislature'],
  ['32', 'Kerala', 'state'],
  ['33', 'Tamil Nadu', 'state'],
  ['34', 'Puducherry', 'ut-with-legislature'],
  ['35', 'Andaman and Nicobar Islands', 'ut-without-legislature'],
  ['36', 'Telangana', 'state'],
  ['37', 'Andhra Pradesh', 'state'],
  ['38', 'Ladakh', 'ut-without-legislature'],
  // "Other Territory" (offshore areas) is governed by the UTGST Act like a UT without legislature.
  ['97', 'Other Territory', 'ut-without-legislature'],
  ['96', 'Foreign Country', 'foreign'],
];

export const GST_STATES: ReadonlyMap<string, GstState> = new Map(
  table.map(([code, name, kind]) => [code, { code, name, kind }]),
);

export const EXPORT_STATE_CODE = '96';

export function gstState(code: string): GstState | undefined {
  return GST_STATES.get(code);
}

export function isStateCode(code: string): boolean {
  return GST_STATES.has(code);
}

/** A place inside India where GST is levied (every code but 96). */
export function isDomesticStateCode(code: string): boolean {
  const s = GST_STATES.get(code);
  return s !== undefined && s.kind !== 'foreign';
}
