import { CustomErrorBase, InputError } from '@backstage/errors';
import express, { ErrorRequestHandler, RequestHandler } from 'express';

/** A request body over the configured limit: answered with 413. */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  /** Read by Backstage's error handler as the response status. */
  statusCode = 413;
}

/** The errors of express.json, which carry a `type` such as `entity.too.large`. */
type BodyParserError = Error & { type?: string; length?: number };

/**
 * Parses JSON request bodies of at most `maxBytes` bytes. The parser's own errors
 * ("request entity too large", a SyntaxError) become errors that say what is wrong and which
 * setting decides the limit, answered with 413 and 400 by Backstage's error handler.
 */
export function jsonBody(
  maxBytes: number,
): [RequestHandler, ErrorRequestHandler] {
  const explain: ErrorRequestHandler = (
    error: BodyParserError,
    _req,
    _res,
    next,
  ) => {
    switch (error?.type) {
      case 'entity.too.large':
        next(
          new PayloadTooLargeError(
            `The request body${
              error.length !== undefined ? ` of ${error.length} bytes` : ''
            } is larger than the limit of ${maxBytes} bytes (dataMesh.api.maxBodyBytes)`,
          ),
        );
        return;
      case 'entity.parse.failed':
        next(
          new InputError(
            `The request body is not valid JSON: ${error.message}`,
          ),
        );
        return;
      default:
        next(error);
    }
  };
  return [express.json({ limit: maxBytes }), explain];
}
