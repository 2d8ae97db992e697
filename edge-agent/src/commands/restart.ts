/**
 * The exit code of an agent that stops because a technician asked for a restart (EX_TEMPFAIL). Its
 * supervisor starts it again: systemd's `Restart=always` on a kiosk, `npm start`'s run script and the
 * test harness in development. The command's result is reported by the next process (see
 * CommandService.recoverInterrupted), so it is succeeded only once the agent is back.
 */
export const AGENT_RESTART_EXIT_CODE = 75;
