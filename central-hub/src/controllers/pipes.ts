import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { parseMessage } from '@kiosk/protocols';
import { badRequest } from '../errors';

/** Parses a REST body or parameter with a protocol schema; a bad one is a 400 with the issues. */
@Injectable()
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly what: string,
  ) {}

  transform(value: unknown): z.infer<S> {
    const parsed = parseMessage(this.schema, value, this.what);
    if (!parsed.ok) throw badRequest('invalid_message', parsed.error.message, parsed.error.issues);
    return parsed.value;
  }
}
