import { z } from 'zod';
import { endpoint, mediaFile, okResponse } from '../endpoint';

/**
 * Pictures for cards and shelves (logo_url, background_pic_url, banner and theme pictures) must be
 * WeChat CDN URLs: 002 §6.1 sends them through the image upload interface.
 */
export const mediaEndpoints = {
  /**
   * Multipart form-data with the image in the field `buffer`; answers `{url}`, the picture's URL on
   * WeChat's CDN. WeChat refuses another file type (40005) or an image too large (40009).
   */
  uploadImage: endpoint({
    path: '/cgi-bin/media/uploadimg',
    method: 'POST',
    body: 'multipart',
    auth: 'access_token',
    request: z.object({ buffer: mediaFile }).strict(),
    response: okResponse({ url: z.string().min(1) }),
    errors: [40005, 40009, 41005],
    spec: '002 §6.1 Upload Gift Card Image Material Interface (/cgi-bin/media/uploadimg)',
  }),
} as const;
