import { invalidBody } from './errors.ts';

/**
 * Reads a `multipart/form-data` body (RFC 7578), as twitter-api-v2 sends the chunks of a media upload
 * (`POST /2/media/upload/:id/append`, field `media` as a file, `segment_index` as text). Parts with a file
 * name or a non-text type come back as bytes, the others as text. Only what X's upload endpoints need: no nested multiparts.
 */
export function parseMultipart(raw: Buffer, contentType: string): Record<string, string | Buffer> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const mark = boundary?.[1] ?? boundary?.[2];
  if (!mark) throw invalidBody('multipart/form-data body without a boundary.');
  const delimiter = Buffer.from(`--${mark.trim()}`);
  const out: Record<string, string | Buffer> = {};
  let at = raw.indexOf(delimiter);
  if (at < 0) throw invalidBody('multipart/form-data body without its boundary.');
  for (;;) {
    const start = at + delimiter.length;
    // `--` right after a delimiter closes the body.
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const next = raw.indexOf(delimiter, start);
    if (next < 0) throw invalidBody('multipart/form-data body is truncated.');
    // Each part: CRLF, headers, CRLF CRLF, content, CRLF before the next delimiter.
    const part = raw.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw invalidBody('multipart/form-data part without headers.');
    const headers = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw invalidBody('multipart/form-data part without a name.');
    // A file, or a part typed as bytes (twitter-api-v2 sends its chunks as application/octet-stream, unnamed).
    const binary = /\bfilename="/i.test(disposition) || /content-type:\s*(?!text\/)/i.test(headers);
    out[name] = binary ? Buffer.from(content) : content.toString('utf8');
    at = next;
  }
  return out;
}
