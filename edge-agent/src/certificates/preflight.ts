import type { CertificatePreflightProblem, DeviceHealth, DeviceKind, ServiceAvailability } from '@kiosk/protocols';

/** The devices a certificate needs: the card, both printers (certificate, receipt), coins in and out. */
export const REQUIRED_DEVICES = ['card-reader', 'document-printer', 'receipt-printer', 'coin-acceptor', 'coin-hopper'] as const satisfies readonly DeviceKind[];
type RequiredDevice = (typeof REQUIRED_DEVICES)[number];

/** What the hub said when asked for the service hours (or that it could not be asked). */
export type HubAvailability =
  | { kind: 'answered'; municipality: string; availability: ServiceAvailability }
  | { kind: 'unreachable' }
  /** The hub refused: this kiosk does not issue certificates (kind, municipality). */
  | { kind: 'not-offered' };

export interface PreflightInput {
  hub: HubAvailability;
  outOfService: boolean;
  devices: readonly DeviceHealth[];
}

export type PreflightOutcome = { ok: true; municipality: string } | { ok: false; problems: CertificatePreflightProblem[] };

/**
 * Everything that must hold before a person is asked for a card or money, each failure named so the
 * screen can say which and why. Pure. `warning` (paper near end, one of several hoppers empty) passes,
 * and so do hoppers that are only empty: the kiosk then takes the exact amount (the pay screen says so
 * and the acceptor refuses coins whose change it cannot pay: cash/change-rules.ts).
 */
export function preflight(input: PreflightInput): PreflightOutcome {
  const problems: CertificatePreflightProblem[] = [];
  if (input.outOfService) problems.push({ kind: 'out-of-service' });
  if (input.hub.kind === 'unreachable') problems.push({ kind: 'hub-unreachable' });
  if (input.hub.kind === 'not-offered') problems.push({ kind: 'not-offered' });
  if (input.hub.kind === 'answered' && !input.hub.availability.open) {
    problems.push({ kind: 'service-closed', reason: input.hub.availability.reason, reopensAt: input.hub.availability.reopensAt });
  }
  for (const device of REQUIRED_DEVICES) {
    const problem = deviceProblem(device, input.devices);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0 || input.hub.kind !== 'answered') return { ok: false, problems: problems.length > 0 ? problems : [{ kind: 'hub-unreachable' }] };
  return { ok: true, municipality: input.hub.municipality };
}

function deviceProblem(device: RequiredDevice, devices: readonly DeviceHealth[]): CertificatePreflightProblem | null {
  const fitted = devices.filter((health) => health.kind === device);
  if (fitted.length === 0) return { kind: 'device', device, status: 'absent', reasons: [] };
  // Several of a kind (hoppers): the kind works if one of them does.
  const working = fitted.find((health) => health.status === 'ok' || health.status === 'warning');
  if (working) return null;
  // Hoppers that are only empty still let a person pay the exact amount.
  if (device === 'coin-hopper' && fitted.some(onlyEmpty)) return null;
  const worst = fitted.find((health) => health.status === 'error') ?? fitted[0];
  if (!worst) return null;
  return { kind: 'device', device, status: worst.status === 'missing' ? 'missing' : 'error', reasons: [...worst.reasons] };
}

const onlyEmpty = (health: DeviceHealth): boolean => health.reasons.length > 0 && health.reasons.every((reason) => reason === 'hopper-empty');
