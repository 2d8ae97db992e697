import type { CertificateOptions } from '@kiosk/protocols';
import type { CertKey } from './i18n/index';
import type { Params } from '../../shared/i18n/index';

/** One line of the confirmation screen's order: what was chosen, named as on the choose screen. */
export interface SummaryLine {
  readonly label: CertKey;
  readonly value: CertKey;
  readonly params?: Params;
}

const includeOrOmit = (include: boolean): CertKey => (include ? 'cert.options.include' : 'cert.options.omit');

/** The options chosen for the certificate, repeated before payment (世帯全員 / 本籍 / 続柄, scope, year). */
export function orderSummary(options: CertificateOptions): SummaryLine[] {
  switch (options.type) {
    case 'juminhyo':
      return [
        options.scope === 'household'
          ? { label: 'cert.options.scope', value: 'cert.options.scope.household' }
          : { label: 'cert.options.scope', value: 'cert.options.scope.selectedCount', params: { n: options.memberIds?.length ?? 0 } },
        { label: 'cert.options.domicile', value: includeOrOmit(options.includeDomicile) },
        { label: 'cert.options.relationship', value: includeOrOmit(options.includeRelationship) },
      ];
    case 'koseki':
      return [{ label: 'cert.options.kosekiScope', value: options.scope === 'full' ? 'cert.options.koseki.full' : 'cert.options.koseki.individual' }];
    case 'koseki-fuhyo':
      return [{ label: 'cert.options.domicile', value: includeOrOmit(options.includeDomicile) }];
    case 'kazei':
      return [{ label: 'cert.options.fiscalYear', value: 'cert.options.fiscalYearValue', params: { year: options.fiscalYear } }];
    case 'inkan':
      return [];
  }
}

/** The household relationships the register writes (続柄), each with its translation key. */
const RELATIONSHIPS = {
  世帯主: 'head',
  妻: 'wife',
  夫: 'husband',
  子: 'child',
  父: 'father',
  母: 'mother',
  孫: 'grandchild',
  祖父: 'grandfather',
  祖母: 'grandmother',
  兄: 'brother',
  弟: 'brother',
  姉: 'sister',
  妹: 'sister',
  同居人: 'lodger',
} as const satisfies Record<string, string>;

/**
 * A relationship term from the register in the screen's language: a known term by its key, anything else
 * as the register writes it (like the names, which stay as registered).
 */
export function relationshipKey(term: string): CertKey | null {
  return Object.hasOwn(RELATIONSHIPS, term) ? `cert.relationship.${RELATIONSHIPS[term as keyof typeof RELATIONSHIPS]}` : null;
}
