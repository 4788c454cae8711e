import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';

/** A file the server streams to the browser as a download (exports, import reports). */
export interface Download {
  stream: Readable;
  filename: string;
  contentType: string;
}

/** Encodes a file name for Content-Disposition, keeping an ASCII fallback for old clients. */
function disposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Sends a stream as an attachment that is never cached. Typed loosely on purpose: a route's
 * typed reply only accepts its declared (string) schema, while the body here is a stream.
 */
export function sendDownload(reply: FastifyReply, file: Download): FastifyReply {
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', disposition(file.filename))
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(file.stream);
}
