import { encodeReceipt, escpos } from '../escpos/commands';
import { EscPosResponseDecoder } from '../escpos/responses';
import { decodeRealtimeStatus } from '../escpos/status';
import { VirtualPrinterEngine } from './escpos-engine';

const receipt = encodeReceipt({ lines: [{ text: '領収書' }, { text: '金額 ¥350' }] });

describe('VirtualPrinterEngine', () => {
  it('prints, captures the receipt and answers the process id after it', () => {
    const engine = new VirtualPrinterEngine();
    const { reply } = engine.receive(Buffer.concat([receipt, escpos.processIdRequest('0001')]));
    expect(new EscPosResponseDecoder().push(reply).responses).toEqual([{ type: 'process-id', id: '0001' }]);
    expect(engine.receipts().map((r) => [r.text, r.cut])).toEqual([['領収書\n金額 ¥350', true]]);
  });

  it('stops at paper end, answers status meanwhile, and drops the job on clear', () => {
    const engine = new VirtualPrinterEngine();
    engine.state.paperLines = 1;
    const first = engine.receive(Buffer.concat([receipt, escpos.processIdRequest('0002')]));
    expect(first.reply.length).toBe(0);
    const status = engine.receive(escpos.realtimeStatus(4)).reply;
    expect(decodeRealtimeStatus(4, status[0] ?? 0)).toMatchObject({ paperEnd: true });
    engine.receive(escpos.clearBuffers());
    engine.state.paperLines = 10;
    expect(engine.resume().length).toBe(0);
    expect(engine.receipts()).toEqual([expect.objectContaining({ text: '領収書', cut: false })]);
    expect(engine.snapshot()).toMatchObject({ paper: 'near-end', queuedCommands: 0, online: true });
  });

  it('resumes a queued job when the cover is closed', () => {
    const engine = new VirtualPrinterEngine();
    engine.state.coverOpen = true;
    expect(engine.receive(Buffer.concat([receipt, escpos.processIdRequest('0003')])).reply.length).toBe(0);
    expect(decodeRealtimeStatus(2, engine.receive(escpos.realtimeStatus(2)).reply[0] ?? 0)).toMatchObject({ coverOpen: true });
    engine.state.coverOpen = false;
    expect(new EscPosResponseDecoder().push(engine.resume()).responses).toEqual([{ type: 'process-id', id: '0003' }]);
  });

  it('leaves the asked number of status requests unanswered, then answers again', () => {
    const engine = new VirtualPrinterEngine();
    engine.state.unansweredStatusRequests = 2;
    expect(engine.receive(escpos.realtimeStatus(1)).reply.length).toBe(0);
    expect(engine.receive(escpos.realtimeStatus(2)).reply.length).toBe(0);
    expect(engine.receive(escpos.realtimeStatus(4)).reply.length).toBe(1);
    expect(engine.state.unansweredStatusRequests).toBe(0);
  });

  it('holds a late status answer for the device to send, and sends it ahead of a later answer', () => {
    const engine = new VirtualPrinterEngine();
    engine.state.lateStatusRequests = 1;
    const asked = engine.receive(escpos.realtimeStatus(1));
    expect(asked).toMatchObject({ heldStatusReplies: 1 });
    expect(asked.reply.length).toBe(0);
    // The held answer is the state when asked: online, although the paper ran out since.
    engine.state.paperLines = 0;
    const next = engine.receive(escpos.realtimeStatus(4)).reply;
    expect([...next].map((byte, i) => decodeRealtimeStatus(i === 0 ? 1 : 4, byte))).toEqual([
      { kind: 1, offline: false, waitingForRecovery: false },
      { kind: 4, nearEnd: true, paperEnd: true },
    ]);
    expect(engine.takeLateStatusReply().length).toBe(0);

    engine.state.lateStatusRequests = 1;
    expect(engine.receive(escpos.realtimeStatus(2)).heldStatusReplies).toBe(1);
    expect(decodeRealtimeStatus(2, engine.takeLateStatusReply()[0] ?? 0)).toMatchObject({ paperEndStop: true });
  });
});
