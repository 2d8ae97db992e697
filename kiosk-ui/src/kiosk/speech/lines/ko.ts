import { LANGUAGE_WORDS } from './language-words';
import type { SpeechLines } from './speech-lines';

const yen = (amount: number): string => `${amount}엔`;
const copies = (count: number): string => `${count}통`;
const lines = (parts: readonly string[]): string => parts.filter(Boolean).join(' ');

export const ko: SpeechLines = {
  yen,
  copies,
  certificate: {
    juminhyo: '주민표 사본',
    inkan: '인감 등록 증명서',
    koseki: '호적 증명서',
    'koseki-fuhyo': '호적 부표 사본',
    kazei: '과세 증명서',
  },
  period: '.',
  sentences: lines,
  screens: {
    idle: () => '증명서 발급. 이용 가능한지 확인하고 있습니다. 잠시 기다려 주세요.',
    checking: () => '증명서 발급. 이용 가능한지 확인하고 있습니다. 잠시 기다려 주세요.',
    unavailable: (state) =>
      lines([
        '지금은 증명서를 발급할 수 없습니다.',
        ...state.problems.map((problem) =>
          problem.kind === 'service-closed' ? '지금은 서비스 시간이 아닙니다.' : problem.kind === 'device' ? '기기가 준비되지 않았습니다.' : '서비스에 연결할 수 없습니다.',
        ),
        '창구에 문의해 주세요. 버튼: 종료.',
      ]),
    'insert-card': () => '증명서 발급. 마이넘버 카드를 화면 아래 카드 리더에 올려 주세요. 버튼: 취소.',
    'reading-card': () => '카드를 읽고 있습니다. 카드를 빼지 마세요.',
    'not-a-my-number-card': () => '이 카드는 마이넘버 카드가 아닙니다. 카드를 빼 주세요. 버튼: 취소.',
    'card-trouble': (state) =>
      state.trouble === 'card-removed' ? '카드를 너무 일찍 뺐습니다. 다시 올려 주세요. 버튼: 취소.' : '카드를 읽을 수 없습니다. 다시 올려 주세요. 버튼: 취소.',
    pin: (state) =>
      lines([
        '4자리 비밀번호를 키패드로 입력하고 확인을 누르세요.',
        state.digitsEntered > 0 ? `${state.pinLength}자리 중 ${state.digitsEntered}자리 입력됨.` : '',
        state.triesLeft !== null ? `비밀번호가 틀렸습니다. 남은 횟수 ${state.triesLeft}회.` : '',
        state.wrongLength ? '비밀번호는 4자리입니다.' : '',
        '정정 키로 지웁니다. 버튼: 취소.',
      ]),
    'card-locked': () => '이 카드의 비밀번호가 잠겼습니다. 시청에서 해제할 수 있습니다. 카드를 빼 주세요. 버튼: 종료.',
    verifying: () => '카드를 확인하고 있습니다. 잠시 기다려 주세요.',
    'card-refused': () => '이 카드로는 증명서를 발급할 수 없습니다. 시청에 문의해 주세요. 버튼: 종료.',
    choose: (state) =>
      lines([
        '증명서 종류를 선택하세요.',
        ...state.menu.filter((item) => item.available).map((item) => `${ko.certificate[item.type]}, 1통 ${yen(item.unitFeeYen)}.`),
        state.refusal !== null ? `${ko.certificate[state.refusal.certificateType]}는 발급할 수 없습니다.` : '',
        '다음으로 내용과 통수를 선택합니다. 버튼: 다음, 취소.',
      ]),
    confirm: (state) => `주문 내용을 확인하세요. ${ko.certificate[state.quote.certificateType]}, ${copies(state.quote.copies)}, 수수료 ${yen(state.quote.feeYen)}. 버튼: 결제하기, 뒤로.`,
    'remove-card': (state) => (state.quote === null ? '카드 리더에서 카드를 빼 주세요.' : '카드 리더에서 카드를 빼 주세요. 카드를 빼면 결제로 넘어갑니다.'),
    'card-left-behind': () => '카드 리더에 카드가 남아 있습니다. 빼거나 직원을 불러 주세요. 버튼: 취소.',
    pay: (state) =>
      lines([
        `${yen(state.quote.feeYen)}을 동전으로 넣어 주세요.`,
        `넣은 금액 ${yen(state.insertedYen)}, 남은 금액 ${yen(Math.max(0, state.quote.feeYen - state.insertedYen))}.`,
        state.exactAmountOnly ? '거스름돈을 드릴 수 없습니다. 정확한 금액을 넣어 주세요.' : '',
        '버튼: 취소.',
      ]),
    'returning-coins': (state) => `${yen(state.amountYen)}을 돌려드리고 있습니다. 잠시 기다려 주세요.`,
    cancelled: (state) => `절차를 취소했습니다. ${yen(state.returnedYen)}을 반환구로 돌려드렸습니다. 가져가세요. 버튼: 종료.`,
    'paying-change': (state) => `거스름돈 ${yen(state.changeYen)}을 내보내고 있습니다. 잠시 기다려 주세요.`,
    issuing: () => '증명서를 준비하고 있습니다. 잠시 기다려 주세요.',
    printing: (state) => (state.stage === 'certificate' ? `${copies(state.copies)}을 인쇄하고 있습니다. 1분 정도 걸립니다.` : '영수증을 인쇄하고 있습니다.'),
    'take-certificate': (state) =>
      lines([
        '증명서를 출구에서 가져가세요.',
        state.changeYen > 0 ? `거스름돈 ${yen(state.changeYen)}을 반환구에서 가져가세요.` : '',
        state.unpaidChangeYen > 0 ? `거스름돈 ${yen(state.unpaidChangeYen)}은 인쇄된 종이를 시청에 가져가세요.` : '',
        '버튼: 받았습니다.',
      ]),
    refunding: (state) => `죄송합니다. 증명서를 발급하지 못했습니다. ${yen(state.amountYen)}을 돌려드리고 있습니다.`,
    refunded: (state) =>
      lines([
        `죄송합니다. 증명서를 발급하지 못했습니다. ${yen(state.amountYen)}을 돌려드렸습니다.`,
        state.voucherYen > 0 ? `${yen(state.voucherYen)}은 인쇄된 교환권을 시청에 가져가세요.` : '',
        '가져가세요. 버튼: 받았습니다.',
      ]),
    done: () => '감사합니다.',
    error: () => '절차를 계속할 수 없습니다. 돈은 받지 않았습니다. 처음부터 다시 해 주세요. 버튼: 종료.',
  },
  pinProgress: (digits, length) => (digits === 0 ? '입력을 지웠습니다.' : `한 자리 입력했습니다. ${length}자리 중 ${digits}자리.`),
  attract: (navigation) =>
    navigation ? '서비스를 선택하세요. 증명서 발급, 또는 시설 추첨.' : '어서 오세요. 화면에서 서비스를 선택하세요. 키패드 음성 안내는 확인 키를 누르세요.',
  keys: '키 사용법. 4나 2는 이전, 6이나 8은 다음, 확인이나 5는 선택, 0은 안내를 다시 듣습니다. 취소는 뒤로 갑니다.',
  service: { certificates: '증명서 발급', lottery: '시설 추첨' },
  choice: {
    language: LANGUAGE_WORDS.ko,
    cancel: '취소',
    next: '다음',
    back: '뒤로',
    confirm: '결제하기',
    finish: '종료',
    taken: '받았습니다',
    continue: '계속',
    scopeHousehold: '세대 전원',
    scopeSelected: '세대 일부',
    member: (position) => `세대원 ${position}`,
    include: '기재',
    omit: '생략',
    kosekiFull: '전부 사항',
    kosekiIndividual: '개인 사항',
    fiscalYear: (year) => `${year}년도`,
    fewerCopies: '한 통 줄이기',
    moreCopies: '한 통 늘리기',
    pinKey: { clear: '정정', enter: '확인' },
    digit: '숫자 키',
    other: '버튼',
  },
  position: (index, total) => `${total}개 중 ${index}번째.`,
  selected: '선택됨.',
};
