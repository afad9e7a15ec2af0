import { randomBytes } from 'node:crypto';

export interface StoredImage {
  contentType: string;
  data: Uint8Array;
}

/** Images uploaded with /cgi-bin/media/uploadimg, served back at the URL the upload answered. */
export class MediaStore {
  private images = new Map<string, StoredImage>();

  put(image: StoredImage): string {
    const id = randomBytes(12).toString('hex');
    this.images.set(id, image);
    return id;
  }

  get(id: string): StoredImage | undefined {
    return this.images.get(id);
  }
}
