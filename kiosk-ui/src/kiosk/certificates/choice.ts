import {
  MAX_COPIES,
  MAX_SELECTED_MEMBERS,
  type CertificateMenuItem,
  type CertificateOrder,
  type CertificateType,
  type HouseholdMember,
} from '@kiosk/protocols';
import { clampCopies, feeFor } from './money';

/**
 * The "choose" screen's form as a pure reducer: the certificate type, its options and the copies. The
 * draft holds only what the person picked (member ids are the hub's opaque ids, never names) and lives
 * only as long as the screen; the order it yields is checked against the protocol's limits before it is sent.
 */

export interface ChoiceDraft {
  readonly type: CertificateType | null;
  readonly juminhyo: {
    readonly scope: 'household' | 'selected';
    readonly memberIds: readonly string[];
    readonly includeDomicile: boolean;
    readonly includeRelationship: boolean;
  };
  readonly koseki: { readonly scope: 'full' | 'individual'; readonly memberId: string | null };
  readonly fuhyo: { readonly includeDomicile: boolean };
  readonly kazei: { readonly fiscalYear: number | null };
  readonly copies: number;
}

export type ChoiceAction =
  | { type: 'select-type'; certificateType: CertificateType }
  | { type: 'juminhyo-scope'; scope: 'household' | 'selected' }
  | { type: 'toggle-member'; memberId: string }
  | { type: 'juminhyo-domicile'; include: boolean }
  | { type: 'juminhyo-relationship'; include: boolean }
  | { type: 'koseki-scope'; scope: 'full' | 'individual' }
  | { type: 'koseki-member'; memberId: string }
  | { type: 'fuhyo-domicile'; include: boolean }
  | { type: 'fiscal-year'; fiscalYear: number }
  | { type: 'copies'; copies: number };

/**
 * Starting point: nothing chosen yet; residence certificate for the whole household without the
 * registered domicile (the most private default) but with relationships; the newest fiscal year.
 */
export function initialDraft(menu: readonly CertificateMenuItem[]): ChoiceDraft {
  const years = menu.find((item) => item.type === 'kazei')?.fiscalYears ?? [];
  return {
    type: null,
    juminhyo: { scope: 'household', memberIds: [], includeDomicile: false, includeRelationship: true },
    koseki: { scope: 'full', memberId: null },
    fuhyo: { includeDomicile: false },
    kazei: { fiscalYear: years.length > 0 ? Math.max(...years) : null },
    copies: 1,
  };
}

export function reduceChoice(draft: ChoiceDraft, action: ChoiceAction): ChoiceDraft {
  switch (action.type) {
    case 'select-type':
      return { ...draft, type: action.certificateType };
    case 'juminhyo-scope':
      return { ...draft, juminhyo: { ...draft.juminhyo, scope: action.scope } };
    case 'toggle-member': {
      const ids = draft.juminhyo.memberIds;
      const memberIds = ids.includes(action.memberId) ? ids.filter((id) => id !== action.memberId) : [...ids, action.memberId];
      return { ...draft, juminhyo: { ...draft.juminhyo, memberIds } };
    }
    case 'juminhyo-domicile':
      return { ...draft, juminhyo: { ...draft.juminhyo, includeDomicile: action.include } };
    case 'juminhyo-relationship':
      return { ...draft, juminhyo: { ...draft.juminhyo, includeRelationship: action.include } };
    case 'koseki-scope':
      return { ...draft, koseki: { ...draft.koseki, scope: action.scope } };
    case 'koseki-member':
      return { ...draft, koseki: { ...draft.koseki, memberId: action.memberId } };
    case 'fuhyo-domicile':
      return { ...draft, fuhyo: { includeDomicile: action.include } };
    case 'fiscal-year':
      return { ...draft, kazei: { fiscalYear: action.fiscalYear } };
    case 'copies':
      return { ...draft, copies: clampCopies(action.copies) };
  }
}

export function menuItem(menu: readonly CertificateMenuItem[], type: CertificateType | null): CertificateMenuItem | null {
  return menu.find((item) => item.type === type) ?? null;
}

/** Household members in the hub's order, the card holder first. */
export function membersForChoice(household: readonly HouseholdMember[]): HouseholdMember[] {
  return [...household].sort((a, b) => Number(b.self) - Number(a.self));
}

/**
 * The order to quote, or null while the form is incomplete (no type, an unavailable type, selected
 * members with none ticked, a tax certificate without a year, or anything the protocol would refuse).
 */
export function orderFor(draft: ChoiceDraft, menu: readonly CertificateMenuItem[]): CertificateOrder | null {
  const item = menuItem(menu, draft.type);
  if (item === null || !item.available) return null;
  const options = optionsFor(draft, item);
  if (options === null) return null;
  const order: CertificateOrder = { options, copies: draft.copies };
  return withinProtocolLimits(order) ? order : null;
}

/**
 * The rules of CertificateOrderSchema that the order's type cannot say: 1 to MAX_COPIES whole copies, and
 * selected members named 1 to MAX_SELECTED_MEMBERS times, none twice (member ids are the hub's own). This
 * screen does not run the schema itself (zod stays out of its bundle, issue 17): the agent parses every
 * order with it before quoting (certificates.quote), and what is charged is the hub's quote, never a fee
 * computed here. This check keeps 次へ off for an order the agent would refuse.
 */
export function withinProtocolLimits(order: CertificateOrder): boolean {
  const { copies, options } = order;
  if (!Number.isInteger(copies) || copies < 1 || copies > MAX_COPIES) return false;
  if (options.type !== 'juminhyo') return true;
  const ids = options.memberIds;
  if (options.scope === 'household') return ids === undefined;
  return ids !== undefined && ids.length >= 1 && ids.length <= MAX_SELECTED_MEMBERS && new Set(ids).size === ids.length;
}

function optionsFor(draft: ChoiceDraft, item: CertificateMenuItem): CertificateOrder['options'] | null {
  switch (item.type) {
    case 'juminhyo': {
      const { scope, memberIds, includeDomicile, includeRelationship } = draft.juminhyo;
      if (scope === 'household') return { type: 'juminhyo', scope, includeDomicile, includeRelationship };
      if (memberIds.length === 0) return null;
      return { type: 'juminhyo', scope, memberIds: [...memberIds], includeDomicile, includeRelationship };
    }
    case 'inkan':
      return { type: 'inkan' };
    case 'koseki': {
      const { scope, memberId } = draft.koseki;
      // Without a chosen person, an individual certificate is the card holder's (the hub's default).
      return scope === 'individual' && memberId !== null ? { type: 'koseki', scope, memberId } : { type: 'koseki', scope };
    }
    case 'koseki-fuhyo':
      return { type: 'koseki-fuhyo', includeDomicile: draft.fuhyo.includeDomicile };
    case 'kazei': {
      const year = draft.kazei.fiscalYear;
      if (year === null || !(item.fiscalYears ?? []).includes(year)) return null;
      return { type: 'kazei', fiscalYear: year };
    }
  }
}

/** The fee shown while choosing (the hub's quote on the next screen is what is charged). */
export function previewFee(draft: ChoiceDraft, menu: readonly CertificateMenuItem[]): { unitFeeYen: number; feeYen: number } | null {
  const item = menuItem(menu, draft.type);
  if (item === null || !item.available) return null;
  return { unitFeeYen: item.unitFeeYen, feeYen: feeFor(item.unitFeeYen, draft.copies) };
}
