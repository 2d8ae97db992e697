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

/**
 * A query string, parsed with a protocol schema: query values are strings, so the numeric keys the
 * protocol declares as integers are converted first (only when they are plain digits).
 */
@Injectable()
export class QueryPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly what: string,
    private readonly numericKeys: readonly string[] = [],
  ) {}

  transform(value: unknown): z.infer<S> {
    const query = { ...(typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}) };
    for (const key of this.numericKeys) {
      const text = query[key];
      if (typeof text === 'string' && /^[0-9]{1,15}$/.test(text)) query[key] = Number(text);
    }
    return new ZodPipe(this.schema, this.what).transform(query);
  }
}
