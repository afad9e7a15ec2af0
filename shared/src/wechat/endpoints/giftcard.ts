import { z } from 'zod';
import { endpoint, okOnly, okResponse } from '../endpoint';

// TODO(area owner): fill this table.
export const giftcardEndpoints = {} as const;
void z; void endpoint; void okOnly; void okResponse;
