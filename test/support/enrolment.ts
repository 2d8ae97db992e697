import { EnrolmentCodeResponseSchema, type EnrolmentCodeRequest } from '@kiosk/protocols';

/** A one-time enrolment code for a new kiosk, asked of the hub at `hubUrl` as its administrator (`adminToken`) would. */
export async function requestEnrolmentCode(hubUrl: string, adminToken: string, kiosk: EnrolmentCodeRequest): Promise<string> {
  const response = await fetch(`${hubUrl}/api/enrolment-codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(kiosk),
  });
  if (response.status !== 201) throw new Error(`enrolment code: HTTP ${response.status} ${await response.text()}`);
  return EnrolmentCodeResponseSchema.parse(await response.json()).code;
}
