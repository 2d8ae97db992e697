import { LANGUAGE_WORDS } from './language-words';
import type { SpeechLines } from './speech-lines';

const yen = (amount: number): string => `${amount}日元`;
const copies = (count: number): string => `${count}份`;
const lines = (parts: readonly string[]): string => parts.filter(Boolean).join('');

export const zhHans: SpeechLines = {
  yen,
  copies,
  certificate: {
    juminhyo: '住民票副本',
    inkan: '印章登记证明',
    koseki: '户籍证明',
    'koseki-fuhyo': '户籍附票副本',
    kazei: '课税证明',
  },
  period: '。',
  sentences: lines,
  screens: {
    idle: () => '证明书发行。正在确认服务是否可用。请稍候。',
    checking: () => '证明书发行。正在确认服务是否可用。请稍候。',
    unavailable: (state) =>
      lines([
        '现在无法发行证明书。',
        ...state.problems.map((problem) => (problem.kind === 'service-closed' ? '现在不在服务时间内。' : problem.kind === 'device' ? '设备尚未就绪。' : '无法连接服务。')),
        '请到窗口咨询。按钮：结束。',
      ]),
    'insert-card': () => '证明书发行。请将个人编号卡放在屏幕下方的读卡器上。按钮：取消。',
    'reading-card': () => '正在读取卡片。请不要取出。',
    'not-a-my-number-card': () => '这张卡不是个人编号卡。请取出卡片。按钮：取消。',
    'card-trouble': (state) => (state.trouble === 'card-removed' ? '卡片取出过早。请重新放置。按钮：取消。' : '无法读取卡片。请重新放置。按钮：取消。'),
    pin: (state) =>
      lines([
        '请用键盘输入4位密码，然后按确定。',
        state.digitsEntered > 0 ? `已输入${state.pinLength}位中的${state.digitsEntered}位。` : '',
        state.triesLeft !== null ? `密码错误。还剩${state.triesLeft}次。` : '',
        state.wrongLength ? '密码是4位。' : '',
        '更正键可清除。按钮：取消。',
      ]),
    'card-locked': () => '这张卡的密码已被锁定。可在市政府解除。请取出卡片。按钮：结束。',
    verifying: () => '正在确认卡片。请稍候。',
    'card-refused': () => '这张卡无法发行证明书。请到市政府咨询。按钮：结束。',
    choose: (state) =>
      lines([
        '请选择证明书种类。',
        ...state.menu.filter((item) => item.available).map((item) => `${zhHans.certificate[item.type]}，每份${yen(item.unitFeeYen)}。`),
        state.refusal !== null ? `无法为您发行${zhHans.certificate[state.refusal.certificateType]}。` : '',
        '然后选择内容和份数。按钮：下一步，取消。',
      ]),
    confirm: (state) => `请确认您的订单。${zhHans.certificate[state.quote.certificateType]}，${copies(state.quote.copies)}，手续费${yen(state.quote.feeYen)}。按钮：去付款，返回。`,
    'remove-card': (state) => (state.quote === null ? '请从读卡器取出卡片。' : '请从读卡器取出卡片。取出后开始付款。'),
    'card-left-behind': () => '读卡器上留有卡片。请取出，或呼叫工作人员。按钮：取消。',
    pay: (state) =>
      lines([
        `请投入${yen(state.quote.feeYen)}硬币。`,
        `已投入${yen(state.insertedYen)}，还差${yen(Math.max(0, state.quote.feeYen - state.insertedYen))}。`,
        state.exactAmountOnly ? '无法找零。请投入正好的金额。' : '',
        '按钮：取消。',
      ]),
    'returning-coins': (state) => `正在退还${yen(state.amountYen)}。请稍候。`,
    cancelled: (state) => `手续已取消。${yen(state.returnedYen)}已退到退币口。请取走。按钮：结束。`,
    'paying-change': (state) => `正在找零${yen(state.changeYen)}。请稍候。`,
    issuing: () => '正在准备证明书。请稍候。',
    printing: (state) => (state.stage === 'certificate' ? `正在打印${copies(state.copies)}。大约需要一分钟。` : '正在打印收据。'),
    'take-certificate': (state) =>
      lines([
        '请从出纸口取走证明书。',
        state.changeYen > 0 ? `请从退币口取走找零${yen(state.changeYen)}。` : '',
        state.unpaidChangeYen > 0 ? `找零${yen(state.unpaidChangeYen)}请持打印的纸到市政府领取。` : '',
        '按钮：已取走。',
      ]),
    refunding: (state) => `很抱歉，未能发行证明书。正在退还${yen(state.amountYen)}。`,
    refunded: (state) =>
      lines([
        `很抱歉，未能发行证明书。已退还${yen(state.amountYen)}。`,
        state.voucherYen > 0 ? `${yen(state.voucherYen)}请持打印的凭证到市政府领取。` : '',
        '请取走。按钮：已取走。',
      ]),
    done: () => '谢谢。',
    error: () => '手续无法继续。没有收取费用。请重新开始。按钮：结束。',
  },
  pinProgress: (digits, length) => (digits === 0 ? '输入已清除。' : `已输入一位。${length}位中的${digits}位。`),
  attract: (navigation) => (navigation ? '请选择服务。证明书发行，或设施抽签。' : '欢迎光临。请在屏幕上选择服务。如需键盘语音引导，请按确定键。'),
  keys: '按键说明。4或2向前，6或8向后，确定或5选择，0重听引导，取消返回。',
  service: { certificates: '证明书发行', lottery: '设施抽签' },
  choice: {
    language: LANGUAGE_WORDS['zh-Hans'],
    cancel: '取消',
    next: '下一步',
    back: '返回',
    confirm: '去付款',
    finish: '结束',
    taken: '已取走',
    continue: '继续',
    scopeHousehold: '全体户员',
    scopeSelected: '部分户员',
    member: (position) => `户员${position}`,
    include: '记载',
    omit: '省略',
    kosekiFull: '全部事项',
    kosekiIndividual: '个人事项',
    fiscalYear: (year) => `${year}年度`,
    fewerCopies: '减少一份',
    moreCopies: '增加一份',
    pinKey: { clear: '更正', enter: '确定' },
    digit: '数字键',
    other: '按钮',
  },
  position: (index, total) => `${total}个中的第${index}个。`,
  selected: '已选择。',
};
