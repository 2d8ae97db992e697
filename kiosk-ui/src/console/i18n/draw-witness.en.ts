import type { drawWitnessJa } from './draw-witness.ja';

/** The draw officer's witness panel in English: exactly the Japanese keys. */
export const drawWitnessEn = {
  'console.auditAction.lottery.witness.entered': 'Lottery draw witness entered',
  'console.drawWitness.heading': 'Lottery draw witness (draw officer)',
  'console.drawWitness.intro':
    'A round past its draw time is drawn once you enter its witness value: a public value fixed after the entries closed (e.g. the Loto 6 winning numbers drawn after the close), typed exactly as published, with where it was published. It cannot be changed once entered, and is published with the draw record when the results are announced.',
  'console.drawWitness.round': '{round} (draw time {time})',
  'console.drawWitness.value': 'Witness value',
  'console.drawWitness.source': 'Source (where the value was published)',
  'console.drawWitness.submit': 'Enter the witness and draw',
  'console.drawWitness.done': 'Drawn. The results and the draw record are published at {time}.',
  'console.drawWitness.pending': 'Witness recorded. The draw runs at the next scheduled tick.',
  'console.drawWitness.failed': 'Not accepted: {reason}',
} as const satisfies Record<keyof typeof drawWitnessJa, string>;
