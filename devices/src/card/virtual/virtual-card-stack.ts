import { VirtualCardError } from '../errors';
import { type CardLogger, silentCardLogger } from '../logger';
import type { VirtualJpkiCard } from './jpki-emulator';
import { PcscdProcess, VPCD_SLOTS } from './pcscd-process';
import { createForeignCard, createResidentCard, loadVirtualResidents, type VirtualResident } from './residents';
import { VirtualCardSlot } from './virtual-card-slot';

export interface VirtualCardStackOptions {
  /** A test CA directory (make-test-ca.sh output) whose residents can be inserted by id. */
  testCaDir?: string;
  /** pcscd's sandbox directory (default: a fresh tmp directory, deleted on stop). */
  workDir?: string;
  quickAck?: boolean;
  logger?: CardLogger;
}

/**
 * Everything the demo and the tests need to put virtual My Number cards in front of the real driver:
 * a sandboxed pcscd with vpcd (two readers, "Virtual PCD 00 00" and "... 00 01"), a slot for each, and
 * the test CA's residents. Each resident has one card object, so its PIN counter (and lock) survives
 * taking the card out and putting it back, as on a real card.
 */
export class VirtualCardStack {
  readonly slots: VirtualCardSlot[];
  private readonly cards = new Map<string, VirtualJpkiCard>();

  private constructor(
    readonly pcscd: PcscdProcess,
    readonly residents: VirtualResident[],
    /** The test CA's root, which the cards carry as the issuer of their certificates (EF 000B, 0002). */
    private readonly caCertificate: Buffer | undefined,
    logger: CardLogger,
  ) {
    this.slots = Array.from({ length: VPCD_SLOTS }, (_, slot) => new VirtualCardSlot(pcscd.relaySocketPath(slot), { logger }));
  }

  static async start(options: VirtualCardStackOptions = {}): Promise<VirtualCardStack> {
    const logger = options.logger ?? silentCardLogger;
    const ca = options.testCaDir ? await loadVirtualResidents(options.testCaDir) : null;
    const pcscd = new PcscdProcess({ workDir: options.workDir, quickAck: options.quickAck, logger });
    await pcscd.start();
    return new VirtualCardStack(pcscd, ca?.residents ?? [], ca?.rootCertificate, logger);
  }

  /** PCSCLITE_CSOCK_NAME for the driver (PcscCardReader's `pcscSocketPath`). */
  get socketPath(): string {
    return this.pcscd.socketPath;
  }

  readerName(slot = 0): string {
    return PcscdProcess.readerName(slot);
  }

  /** The resident's card (created on first use and kept, with its PIN counter). */
  residentCard(residentId: string): VirtualJpkiCard {
    const existing = this.cards.get(residentId);
    if (existing) return existing;
    const resident = this.residents.find((candidate) => candidate.id === residentId);
    if (!resident) throw new VirtualCardError(`no virtual resident ${residentId}`);
    const card = createResidentCard(resident, { caCertificate: this.caCertificate });
    this.cards.set(residentId, card);
    return card;
  }

  async insertResident(residentId: string, slot = 0): Promise<VirtualJpkiCard> {
    const card = this.residentCard(residentId);
    await this.slot(slot).insert(card);
    return card;
  }

  /** A card that is not a My Number card. */
  async insertForeignCard(slot = 0): Promise<void> {
    await this.slot(slot).insert(createForeignCard());
  }

  async remove(slot = 0): Promise<void> {
    await this.slot(slot).remove();
  }

  /** Takes every card out and stops pcscd (and its relays). */
  async stop(): Promise<void> {
    for (const slot of this.slots) await slot.remove();
    await this.pcscd.close();
  }

  private slot(slot: number): VirtualCardSlot {
    const found = this.slots[slot];
    if (!found) throw new VirtualCardError(`vpcd has slots 0..${VPCD_SLOTS - 1}`);
    return found;
  }
}
