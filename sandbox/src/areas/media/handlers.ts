import type { mediaEndpoints } from '@giftcard/shared';
import type { AreaHandlers } from '../../core/handler';
import { WechatFault } from '../../core/fault';

/** WeChat's own cap on an uploaded image (its media upload documentation: under 1 MB). */
export const MAX_IMAGE_BYTES = 1024 * 1024;

/** The path under the sandbox's prefix where an uploaded image is served (WeChat: its CDN). */
export const MEDIA_PATH = '/mmbiz';

/** 002 §6.1: the image is kept and served at the URL answered, as WeChat's CDN would serve it. */
export const mediaHandlers: AreaHandlers<typeof mediaEndpoints> = {
  uploadImage: (req, { world, apiBase }) => {
    const { contentType, data } = req.buffer;
    if (!/^image\/[\w.+-]+$/.test(contentType)) throw new WechatFault(40005, `invalid file type: ${contentType} is not an image`);
    if (data.byteLength > MAX_IMAGE_BYTES) throw new WechatFault(40009, `invalid image size: ${data.byteLength} bytes, at most ${MAX_IMAGE_BYTES}`);
    const id = world.media.put({ contentType, data });
    return { url: `${apiBase}${MEDIA_PATH}/${id}` };
  },
};
