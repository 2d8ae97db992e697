import type { ArgumentsHost } from '@nestjs/common';
import { LogCapture } from '../../test/support/log-capture';
import pino from 'pino';
import { BUSY_RETRY_AFTER_SECONDS, notFound } from '../errors';
import { refuse } from '../services/certificate-refusal';
import { ProtocolExceptionFilter } from './exception.filter';

/** The response side of an HTTP host, recording what the filter sends. */
function httpHost() {
  const sent: { status?: number; body?: unknown; headers?: Record<string, string> } = {};
  const response = {
    headersSent: false,
    setHeader(name: string, value: string) {
      sent.headers = { ...sent.headers, [name]: value };
      return this;
    },
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
  };
  const host = { getType: () => 'http', switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('ProtocolExceptionFilter', () => {
  const logs = new LogCapture();
  const filter = new ProtocolExceptionFilter(pino({ level: 'debug' }, logs));

  it('keeps a certificate refusal reason as the code, with its status', () => {
    const { host, sent } = httpHost();
    filter.catch(refuse('before-hours'), host);
    expect(sent).toEqual({ status: 503, body: { ok: false, error: { code: 'before-hours', message: 'certificate service opens at 06:30' } } });
    expect(logs.find('request failed')).toBeUndefined();
  });

  it('sends the fleet failures as they are, and anything else as internal (logged, not shown)', () => {
    const known = httpHost();
    filter.catch(notFound('no such kiosk'), known.host);
    expect(known.sent).toEqual({ status: 404, body: { ok: false, error: { code: 'not_found', message: 'no such kiosk' } } });
    const unknown = httpHost();
    filter.catch(new Error('SQLITE_BUSY: database is locked'), unknown.host);
    expect(unknown.sent).toEqual({ status: 500, body: { ok: false, error: { code: 'internal', message: 'internal error' } } });
    expect(logs.find('request failed')).toMatchObject({ status: 500 });
  });

  it('answers a busy database 503 busy with Retry-After, logged as a refusal, not a failure', () => {
    const { host, sent } = httpHost();
    filter.catch(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }), host);
    expect(sent).toEqual({
      status: 503,
      headers: { 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS) },
      body: { ok: false, error: { code: 'busy', message: 'the hub is busy; nothing was changed, try again shortly' } },
    });
    expect(logs.find('request refused: database busy')).toMatchObject({ status: 503 });
  });
});
