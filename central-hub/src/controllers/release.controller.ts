import { Controller, Get, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import type { ReleaseList, ReleaseSummary } from '@kiosk/protocols';
import { badRequest, ProtocolException } from '../errors';
import type { Principal } from '../services/access.rules';
import { ReleaseService } from '../services/release.service';
import { CurrentPrincipal, SessionGuard } from './session.guard';

/** The largest artefact accepted (gzip'd; the agent with its UI is a few MiB). */
export const MAX_RELEASE_UPLOAD_BYTES = 256 * 1024 * 1024;

/**
 * Agent releases (issue 19, README "Releases"): `POST /api/releases` with the artefact as the body
 * (`content-type: application/octet-stream`), administrators only; `GET /api/releases` lists them.
 */
@Controller('api/releases')
@UseGuards(SessionGuard)
export class ReleaseController {
  constructor(@Inject(ReleaseService) private readonly releases: ReleaseService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal): Promise<ReleaseList> {
    return this.releases.list(principal);
  }

  @Post()
  @HttpCode(201)
  async upload(@CurrentPrincipal() principal: Principal, @Req() request: Request): Promise<ReleaseSummary> {
    // The JSON body parser leaves other types alone: the artefact is read here, bounded.
    if (!request.is('application/octet-stream')) throw badRequest('invalid_message', 'send the release artefact as application/octet-stream');
    return this.releases.upload(principal, await readBody(request, MAX_RELEASE_UPLOAD_BYTES));
  }
}

function readBody(request: Request, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        request.destroy();
        reject(new ProtocolException(413, 'invalid_message', `a release artefact is at most ${limit} bytes`));
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
