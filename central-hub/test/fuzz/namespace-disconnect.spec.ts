/**
 * Found by the socket fuzzer (issue 15): a console that sent DISCONNECT for `/console` and, in the same
 * breath, an event with an ack id got neither an answer nor a close: socket.io kept the connection open
 * with no namespace, and the console's handlers, already unsubscribed, dropped the event. The hub now
 * closes a connection whose client left its last namespace, on both namespaces.
 */
import { enrolKiosk, signedAuth } from '../support/agent-client';
import { TestHub } from '../support/test-hub';
import { RawSocket } from './raw-socket';

describe('a client that leaves its last namespace', () => {
  let hub: TestHub;
  let password: string;

  beforeAll(async () => {
    hub = await TestHub.start();
    password = await hub.createUser('officer', 'technician', '豊中市');
  });
  afterAll(async () => {
    await hub.close();
  });

  it.each(['/console', '/agent'])('has its connection closed by the hub (%s)', async (namespace) => {
    const kiosk = await enrolKiosk(hub);
    const socket = await RawSocket.open(hub.url);
    try {
      const auth = namespace === '/console' ? { token: await hub.login('officer', password) } : signedAuth(kiosk.kioskId, kiosk.privateKey);
      expect(await socket.connect(namespace, auth)).toBe(true);
      const answer = socket.waitFor([`43${namespace},1[`], 10_000);
      socket.send(`41${namespace},`);
      socket.send(`42${namespace},1["session.me"]`);
      expect((await answer).outcome).toBe('closed');
    } finally {
      socket.close();
    }
  });
});
