import { CertificateViewStateSchema, type CertificateScreen, type CertificateViewState } from '@kiosk/protocols';

/** View states go through the real schema, so a spec can never build one the agent could not send. */
export function view(state: unknown): CertificateViewState {
  return CertificateViewStateSchema.parse(state);
}

type ViewOn<S extends CertificateScreen> = Extract<CertificateViewState, { screen: S }>;

const isOn = <S extends CertificateScreen>(state: CertificateViewState, screen: S): state is ViewOn<S> => state.screen === screen;

/** A view state of one screen (through the real schema), typed as that screen's. */
export function viewOn<S extends CertificateScreen>(screen: S, fields: Record<string, unknown>): ViewOn<S> {
  const state = view({ ...fields, screen });
  if (!isOn(state, screen)) throw new Error(`not a ${screen} view`);
  return state;
}

/** A synthetic `choose` screen: a household of three, the seal certificate refused. */
export const chooseState = view({
  screen: 'choose',
  municipality: '豊中市',
  household: [
    { memberId: 'm-spouse', nameJa: 'テスト 次郎', relationship: '夫', self: false },
    { memberId: 'm-self', nameJa: 'テスト 花子', relationship: '世帯主', self: true },
    { memberId: 'm-child', nameJa: 'テスト 三郎', relationship: '子', self: false },
  ],
  menu: [
    { type: 'juminhyo', nameJa: '住民票の写し', nameEn: 'Certificate of residence', unitFeeYen: 200, available: true },
    { type: 'inkan', nameJa: '印鑑登録証明書', nameEn: 'Seal registration certificate', unitFeeYen: 200, available: false, refusal: 'no-seal-registration' },
    {
      type: 'koseki',
      nameJa: '戸籍証明書',
      nameEn: 'Family register',
      unitFeeYen: 350,
      available: true,
      registerMembers: [
        { memberId: 'r-self', nameJa: 'テスト 花子' },
        { memberId: 'r-child', nameJa: 'テスト 三郎' },
      ],
    },
    { type: 'koseki-fuhyo', nameJa: '戸籍の附票の写し', nameEn: 'Attachment', unitFeeYen: 200, available: true },
    { type: 'kazei', nameJa: '課税証明書', nameEn: 'Tax certificate', unitFeeYen: 200, available: true, fiscalYears: [2024, 2025] },
  ],
  refusal: null,
});

export function chooseMenu() {
  if (chooseState.screen !== 'choose') throw new Error('fixture is not a choose screen');
  return chooseState.menu;
}
