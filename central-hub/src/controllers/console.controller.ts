import { Controller, Get, HttpStatus, Inject, Redirect, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { HUB_CONFIG, type HubConfig } from '../config';
import { notFound } from '../errors';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Console not built</title></head>
<body><h1>The technician console is not built</h1>
<p>Build it with <code>npm run build -w @kiosk/kiosk-ui</code>, then reload this page.</p></body></html>
`;

/**
 * The technician console's single-page app. Its files are served by the static middleware registered
 * in create-hub.ts; requests it does not find land here: client-side routes get index.html, and while
 * the console is not built every console URL answers 503 with a page that says so.
 */
@Controller()
export class ConsoleController {
  constructor(@Inject(HUB_CONFIG) private readonly config: HubConfig) {}

  @Get()
  @Redirect('/console/', HttpStatus.FOUND)
  root(): void {}

  @Get(['console', 'console/*path'])
  app(@Req() request: Request, @Res() response: Response): void {
    const index = path.join(this.config.consoleDir, 'index.html');
    if (!existsSync(index)) {
      response.status(HttpStatus.SERVICE_UNAVAILABLE).type('html').send(NOT_BUILT_PAGE);
      return;
    }
    // A missing asset is a 404; only client-side routes (no file extension) get the app's page.
    if (path.extname(request.path) !== '') throw notFound(`no console file ${request.path}`);
    response.sendFile(index);
  }
}
