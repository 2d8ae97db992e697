import { BOOTSTRAP_PRINCIPAL, can, inScope, refusal, userView, type Principal } from './access.rules';

const user = (role: Principal['role'], municipality: string | null): Principal => ({
  kind: 'user',
  userId: null,
  username: role,
  role,
  municipality,
  sessionHash: 'h',
  expiresAt: null,
});

describe('access rules', () => {
  it('orders roles: viewers view, technicians also command and acknowledge, administrators also enrol and read the audit', () => {
    const viewer = user('viewer', '豊中市');
    const technician = user('technician', '豊中市');
    const administrator = user('administrator', '豊中市');
    expect([can(viewer, 'view', '豊中市'), can(viewer, 'command', '豊中市'), can(viewer, 'acknowledge', '豊中市')]).toEqual([true, false, false]);
    expect([can(technician, 'command', '豊中市'), can(technician, 'acknowledge', '豊中市'), can(technician, 'enrol', '豊中市')]).toEqual([true, true, false]);
    expect([can(administrator, 'enrol', '豊中市'), can(administrator, 'read-audit', '豊中市'), can(administrator, 'manage-users', '豊中市')]).toEqual([true, true, true]);
  });

  it('keeps a municipality’s users to that municipality; all-municipality administrators and the admin token go everywhere', () => {
    expect(can(user('administrator', '豊中市'), 'view', '吹田市')).toBe(false);
    expect(inScope(user('technician', '豊中市'), null)).toBe(false);
    expect(can(user('administrator', null), 'command', '吹田市')).toBe(true);
    expect(can(BOOTSTRAP_PRINCIPAL, 'enrol', '吹田市')).toBe(true);
  });

  it('says why an action is refused: out of scope before a role too low', () => {
    expect(refusal(user('viewer', '豊中市'), 'command', '吹田市')).toBe('municipality');
    expect(refusal(user('viewer', '豊中市'), 'command', '豊中市')).toBe('role');
    expect(refusal(user('technician', '豊中市'), 'command', '豊中市')).toBeNull();
    expect(refusal(BOOTSTRAP_PRINCIPAL, 'command', '吹田市')).toBeNull();
  });

  it('shows a principal without its session', () => {
    expect(userView(user('viewer', '豊中市'))).toEqual({ userId: null, username: 'viewer', role: 'viewer', municipality: '豊中市' });
  });
});
