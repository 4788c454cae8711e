import type { CustomField, Tag } from '../crm/api';
import type { ScoringCondition } from './api';

/** Words for the scoring rule editor and list, shared so both describe a rule the same way. */

export const conditionKinds: { value: ScoringCondition['kind']; label: string }[] = [
  { value: 'field', label: 'A contact field' },
  { value: 'custom', label: 'A custom field' },
  { value: 'tag', label: 'Has a tag' },
  { value: 'lifecycle', label: 'Lifecycle stage' },
  { value: 'source', label: 'Source' },
  { value: 'has_email', label: 'Has an email address' },
  { value: 'has_phone', label: 'Has a phone number' },
  { value: 'recent_activity', label: 'Recent activity' },
];

export const contactFields = [
  { value: 'firstName', label: 'First name' },
  { value: 'lastName', label: 'Last name' },
  { value: 'email', label: 'Email' },
  { value: 'phone', label: 'Phone' },
  { value: 'title', label: 'Job title' },
  { value: 'city', label: 'City' },
  { value: 'state', label: 'State' },
  { value: 'postalCode', label: 'Postal code' },
  { value: 'country', label: 'Country' },
  { value: 'timeZone', label: 'Time zone' },
  { value: 'source', label: 'Source' },
  { value: 'consentState', label: 'Consent' },
] as const;

export const operatorLabels: Record<string, string> = {
  equals: 'is',
  not_equals: 'is not',
  contains: 'contains',
  starts_with: 'starts with',
  is_set: 'is filled in',
  is_not_set: 'is empty',
  greater_than: 'is more than',
  less_than: 'is less than',
  is_true: 'is ticked',
};
export const textOperators = ['equals', 'not_equals', 'contains', 'starts_with', 'is_set', 'is_not_set'] as const;
export const customOperators = ['equals', 'not_equals', 'contains', 'is_set', 'is_not_set', 'greater_than', 'less_than', 'is_true'] as const;
export const needsValue = (op: string) => !['is_set', 'is_not_set', 'is_true'].includes(op);
export const lifecycles = ['lead', 'prospect', 'customer', 'churned'] as const;

/** "Job title contains ceo", "Has the tag VIP", … */
export function describeCondition(c: ScoringCondition, tags: Tag[] = [], fields: CustomField[] = []): string {
  switch (c.kind) {
    case 'field': {
      const label = contactFields.find((f) => f.value === c.field)?.label ?? c.field;
      return `${label} ${operatorLabels[c.operator]}${needsValue(c.operator) ? ` “${c.value ?? ''}”` : ''}`;
    }
    case 'custom': {
      const label = fields.find((f) => f.key === c.key)?.label ?? c.key;
      return `${label} ${operatorLabels[c.operator]}${needsValue(c.operator) ? ` “${c.value ?? ''}”` : ''}`;
    }
    case 'tag':
      return `Has the tag ${tags.find((t) => t.id === c.tagId)?.name ?? '(deleted tag)'}`;
    case 'lifecycle':
      return `Lifecycle is ${c.values.join(' or ')}`;
    case 'source':
      return `Source is ${c.values.join(' or ')}`;
    case 'has_email':
      return 'Has an email address';
    case 'has_phone':
      return 'Has a phone number';
    case 'recent_activity':
      return `Activity in the last ${c.days} day${c.days === 1 ? '' : 's'}`;
  }
}

/** A fresh condition of a kind, with sensible defaults. */
export function blankCondition(kind: ScoringCondition['kind']): ScoringCondition {
  switch (kind) {
    case 'field':
      return { kind, field: 'title', operator: 'contains', value: '' };
    case 'custom':
      return { kind, key: '', operator: 'is_set' };
    case 'tag':
      return { kind, tagId: '' };
    case 'lifecycle':
      return { kind, values: ['prospect'] };
    case 'source':
      return { kind, values: [] };
    case 'recent_activity':
      return { kind, days: 14 };
    default:
      return { kind } as ScoringCondition;
  }
}
