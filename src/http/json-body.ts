import express, { type RequestHandler } from 'express';
import { ApiError } from '../errors';

/** Deeper than this, a body is an attack on the parser, not a request: no route takes more than a few levels. */
export const MAX_JSON_DEPTH = 32;

/** The deepest nesting of arrays and objects in JSON text, strings skipped: one pass, no recursion. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) deepest = Math.max(deepest, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return deepest;
}

/**
 * `express.json`, refusing bodies nested deeper than MAX_JSON_DEPTH with a 400 before
 * parsing: deep nesting cannot make a later `JSON.stringify` or walk overflow the stack.
 */
export function jsonBody(options: { limit: number }): RequestHandler {
  return express.json({
    limit: options.limit,
    strict: true,
    verify: (_req, _res, buffer) => {
      if (jsonDepth(buffer.toString('utf8')) > MAX_JSON_DEPTH) {
        throw ApiError.badRequest('bad_request', `The body is nested more than ${MAX_JSON_DEPTH} levels deep.`);
      }
    },
  });
}
