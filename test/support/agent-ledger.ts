import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * One transaction of the agent's money ledger (`certificate_transactions` in `agent.sqlite`) as the
 * end-to-end money tests read it: amounts and state only (the ledger holds nothing personal).
 */
export interface AgentLedgerRow {
  transaction_id: string;
  state: string;
  fee_yen: number;
  credited_yen: number;
  paid_out_yen: number;
  voucher_yen: number;
  issued_serial: string | null;
  /** 1 once the hub acknowledged the refund of a refunded transaction. */
  refund_reported: number;
}

/** Every row of the ledger in the agent data directory `dataDir` (read only: the agent may be running). */
export function readAgentLedger(dataDir: string): AgentLedgerRow[] {
  const db = new Database(path.join(dataDir, 'agent.sqlite'), { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return db
      .prepare('SELECT transaction_id, state, fee_yen, credited_yen, paid_out_yen, voucher_yen, issued_serial, refund_reported FROM certificate_transactions')
      .all() as AgentLedgerRow[];
  } finally {
    db.close();
  }
}
