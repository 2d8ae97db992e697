/**
 * Pure rules for money at the kiosk.
 *
 * Which transaction a coin belongs to: the session's, while one is active. A coin credited when no
 * session is active (it was in flight when the person walked away, or an acceptor ignored its inhibit) is
 * still money in the cash box: it gets a transaction of its own and is recorded like any other, so the
 * hub's cash ledger matches the cash box and a technician can see it and refund it. Dropping it would make
 * money vanish; attaching it to the next session would charge someone else.
 */
export function creditTransaction(activeSessionId: string | null, newId: () => string): { transactionId: string; outsideTransaction: boolean } {
  if (activeSessionId !== null) return { transactionId: activeSessionId, outsideTransaction: false };
  return { transactionId: newId(), outsideTransaction: true };
}

/**
 * Whether the coin acceptor takes coins: only while a flow is in its payment step (the certificates
 * `pay` screen, and the moment just before it is shown), a person has a session and the kiosk is in
 * service. Everywhere else (no session, a session on any other screen, the lottery, which takes no coins)
 * it is inhibited and a coin falls through to the return tray: a coin is never taken outside a payment.
 */
export function shouldAcceptCoins(input: { paymentStep: boolean; sessionActive: boolean; outOfService: boolean }): boolean {
  return input.paymentStep && input.sessionActive && !input.outOfService;
}
