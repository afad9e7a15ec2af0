import { z } from 'zod';

/** `POST /api/session`: the code of `wx.login`. The openid is never taken from the client. */
export const sessionRequest = z.object({ code: z.string().trim().min(1).max(128) }).strict();
export type SessionRequest = z.infer<typeof sessionRequest>;

/** The BFF's own session token (send as `Authorization: Bearer <token>`), valid `expiresIn` seconds. */
export interface SessionResponse {
  token: string;
  expiresIn: number;
}

/** Every error of the Mini Program API. */
export interface ApiError {
  error: { code: string; message: string };
}
