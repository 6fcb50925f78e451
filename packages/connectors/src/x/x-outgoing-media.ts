import { ConnectorError, type PrivateMediaFile, type UploadedMedia, type UploadMediaRequest } from '../connector.ts';
import type { XClient } from './x-client.ts';

/**
 * The connector's media side for agents' pictures and DM media: upload (a media id to post with), the
 * authenticated read of a DM's picture, and what reconciliation needs to recognise a post of ours that
 * carries media (its media ids, and its text without the link X appends for them).
 */

/** The link X appends to a text for its media (`https://t.co/…`), last in the text. */
const TRAILING_MEDIA_LINK = /\s*https:\/\/t\.co\/[A-Za-z0-9]+\s*$/;

/** The text as written, without the media link X added at its end (only when the post or DM has media). */
export function withoutMediaLink(text: string, hasMedia: boolean): string {
  return hasMedia ? text.replace(TRAILING_MEDIA_LINK, '') : text;
}

/**
 * True when the post or DM carries exactly these uploaded media (a media key is `<type>_<media id>`). A
 * retry only adopts a post with the same pictures; with no media asked for, any post matches as before.
 */
export function sameMedia(mediaKeys: string[] | undefined, mediaIds: string[] | undefined): boolean {
  if (!mediaIds?.length) return true;
  const ids = (mediaKeys ?? []).map((key) => key.slice(key.indexOf('_') + 1)).sort();
  const wanted = [...mediaIds].sort();
  return ids.length === wanted.length && ids.every((id, i) => id === wanted[i]);
}

export function createXOutgoingMedia(deps: { client: XClient; guarded: <T>(work: () => Promise<T>) => Promise<T> }) {
  const { client, guarded } = deps;

  async function uploadMedia(request: UploadMediaRequest): Promise<UploadedMedia> {
    const upload = client.uploadMedia;
    if (!upload) throw new ConnectorError('rejected', 'This X client cannot upload media.', { reason: 'x.no_upload' });
    return guarded(async () => {
      const result = await upload.call(client, request.data, {
        mediaType: request.contentType,
        use: request.visibility === 'direct' ? 'dm' : 'tweet',
      });
      return { mediaId: result.mediaId, mediaKey: result.mediaKey, expiresAt: result.expiresAt };
    });
  }

  async function fetchPrivateMedia(url: string): Promise<PrivateMediaFile> {
    const download = client.downloadPrivateMedia;
    if (!download) {
      throw new ConnectorError('rejected', 'This X client cannot read DM media.', { reason: 'x.no_media_read' });
    }
    return guarded(() => download.call(client, url));
  }

  return { uploadMedia, fetchPrivateMedia };
}
