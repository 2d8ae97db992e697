/** The draw officer's witness panel (central-hub DRAW.md, "The witness"), in Japanese: the reference table. */
export const drawWitnessJa = {
  'console.auditAction.lottery.witness.entered': '抽選の立会値の入力',
  'console.drawWitness.heading': '抽選の立会値（抽選担当）',
  'console.drawWitness.intro':
    '抽選時刻を過ぎた回は、立会値を入力すると抽選されます。立会値は受付締切の後に決まった公の値（例：締切後のロト6の当せん番号）を公表どおりに入力し、その出所を書いてください。一度入力すると変更できず、結果発表のときに抽選記録とともに公開されます。',
  'console.drawWitness.round': '{round}（抽選時刻 {time}）',
  'console.drawWitness.value': '立会値',
  'console.drawWitness.source': '出所（どこで公表された値か）',
  'console.drawWitness.submit': '立会値を入力して抽選する',
  'console.drawWitness.done': '抽選しました。結果と抽選記録は {time} に公開されます。',
  'console.drawWitness.pending': '立会値を記録しました。抽選は次の定時処理で行われます。',
  'console.drawWitness.failed': '受け付けられませんでした：{reason}',
} as const;
