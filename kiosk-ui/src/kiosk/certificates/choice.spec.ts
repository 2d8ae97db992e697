import { initialDraft, membersForChoice, orderFor, previewFee, reduceChoice, type ChoiceAction, type ChoiceDraft } from './choice';
import { chooseMenu, chooseState } from './spec-fixtures';

const menu = chooseMenu();

function draftAfter(...actions: ChoiceAction[]): ChoiceDraft {
  return actions.reduce(reduceChoice, initialDraft(menu));
}

describe('the choose form', () => {
  it('starts with nothing chosen, so nothing can be quoted yet', () => {
    const draft = initialDraft(menu);
    expect(draft.type).toBeNull();
    expect(draft.copies).toBe(1);
    expect(draft.kazei.fiscalYear).toBe(2025);
    expect(orderFor(draft, menu)).toBeNull();
    expect(previewFee(draft, menu)).toBeNull();
  });

  it('orders a residence certificate for the whole household, two copies: fee 400', () => {
    const draft = draftAfter({ type: 'select-type', certificateType: 'juminhyo' }, { type: 'copies', copies: 2 });
    expect(orderFor(draft, menu)).toEqual({
      options: { type: 'juminhyo', scope: 'household', includeDomicile: false, includeRelationship: true },
      copies: 2,
    });
    expect(previewFee(draft, menu)).toEqual({ unitFeeYen: 200, feeYen: 400 });
  });

  it('needs at least one member ticked for selected members, and sends their ids only', () => {
    const selected = draftAfter({ type: 'select-type', certificateType: 'juminhyo' }, { type: 'juminhyo-scope', scope: 'selected' });
    expect(orderFor(selected, menu)).toBeNull();
    const ticked = [
      { type: 'toggle-member', memberId: 'm-self' },
      { type: 'toggle-member', memberId: 'm-child' },
      { type: 'juminhyo-domicile', include: true },
      { type: 'juminhyo-relationship', include: false },
    ].reduce((d, a) => reduceChoice(d, a as ChoiceAction), selected);
    expect(orderFor(ticked, menu)?.options).toEqual({
      type: 'juminhyo',
      scope: 'selected',
      memberIds: ['m-self', 'm-child'],
      includeDomicile: true,
      includeRelationship: false,
    });
    const unticked = reduceChoice(ticked, { type: 'toggle-member', memberId: 'm-child' });
    expect(orderFor(unticked, menu)?.options).toMatchObject({ memberIds: ['m-self'] });
  });

  it('never orders a certificate the resident may not have (no seal registration)', () => {
    const draft = draftAfter({ type: 'select-type', certificateType: 'inkan' });
    expect(orderFor(draft, menu)).toBeNull();
    expect(previewFee(draft, menu)).toBeNull();
  });

  it('orders the family register full or for one person (default the card holder)', () => {
    const full = draftAfter({ type: 'select-type', certificateType: 'koseki' });
    expect(orderFor(full, menu)?.options).toEqual({ type: 'koseki', scope: 'full' });
    const individual = reduceChoice(full, { type: 'koseki-scope', scope: 'individual' });
    expect(orderFor(individual, menu)?.options).toEqual({ type: 'koseki', scope: 'individual' });
    const child = reduceChoice(individual, { type: 'koseki-member', memberId: 'r-child' });
    expect(orderFor(child, menu)?.options).toEqual({ type: 'koseki', scope: 'individual', memberId: 'r-child' });
    expect(previewFee(reduceChoice(child, { type: 'copies', copies: 3 }), menu)).toEqual({ unitFeeYen: 350, feeYen: 1050 });
  });

  it('orders a tax certificate only for a fiscal year the hub offers', () => {
    const draft = draftAfter({ type: 'select-type', certificateType: 'kazei' }, { type: 'fiscal-year', fiscalYear: 2024 });
    expect(orderFor(draft, menu)?.options).toEqual({ type: 'kazei', fiscalYear: 2024 });
    expect(orderFor(reduceChoice(draft, { type: 'fiscal-year', fiscalYear: 2019 }), menu)).toBeNull();
  });

  it('keeps copies within 1..10', () => {
    expect(draftAfter({ type: 'copies', copies: 0 }).copies).toBe(1);
    expect(draftAfter({ type: 'copies', copies: 12 }).copies).toBe(10);
    const ten = draftAfter({ type: 'select-type', certificateType: 'koseki-fuhyo' }, { type: 'copies', copies: 10 });
    expect(orderFor(ten, menu)).toEqual({ options: { type: 'koseki-fuhyo', includeDomicile: false }, copies: 10 });
  });

  it('lists the card holder first', () => {
    if (chooseState.screen !== 'choose') throw new Error('fixture');
    expect(membersForChoice(chooseState.household).map((member) => member.memberId)).toEqual(['m-self', 'm-spouse', 'm-child']);
  });
});
