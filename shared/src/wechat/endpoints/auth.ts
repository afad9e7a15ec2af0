import { z } from 'zod';
import { endpoint, okResponse } from '../endpoint';

/**
 * Credentials. Not in the four spec files, but every other call stands on them:
 * `/cgi-bin/token` and `/cgi-bin/stable_token` (Official Account access token) and
 * `/sns/jscode2session` (Mini Program login).
 */
export const authEndpoints = {
  /** Classic token: each call issues a new token and the previous one lives 5 more minutes. */
  getToken: endpoint({
    path: '/cgi-bin/token',
    method: 'GET',
    auth: 'app',
    request: z.object({
      grant_type: z.literal('client_credential').default('client_credential'),
      appid: z.string().min(1),
      secret: z.string().min(1),
    }),
    response: okResponse({ access_token: z.string().min(1), expires_in: z.number().int().positive() }),
    errors: [40001, 40002, 40013, 40125, 40164, 41002, 41004, 45009, 89503],
    spec: 'Official Account docs: Get Access token',
  }),
  /** Stable token: returns the current token while it is valid, so concurrent callers agree. */
  getStableToken: endpoint({
    path: '/cgi-bin/stable_token',
    method: 'POST',
    auth: 'app',
    request: z.object({
      grant_type: z.literal('client_credential').default('client_credential'),
      appid: z.string().min(1),
      secret: z.string().min(1),
      force_refresh: z.boolean().optional(),
    }),
    response: okResponse({ access_token: z.string().min(1), expires_in: z.number().int().positive() }),
    errors: [40002, 40013, 40125, 41002, 41004, 45009, 45011, 89503],
    spec: 'Official Account docs: Get Stable Access token',
  }),
  /** Mini Program login: exchanges a `wx.login` code for the user's openid and session key. */
  jscode2session: endpoint({
    path: '/sns/jscode2session',
    method: 'GET',
    auth: 'app',
    request: z.object({
      appid: z.string().min(1),
      secret: z.string().min(1),
      js_code: z.string().min(1),
      grant_type: z.literal('authorization_code').default('authorization_code'),
    }),
    response: okResponse({
      openid: z.string().min(1),
      session_key: z.string().min(1),
      unionid: z.string().optional(),
    }),
    errors: [40029, 40163, 40226, 45011],
    spec: 'Mini Program docs: code2Session',
  }),
} as const;
