import { z } from 'zod';
import { endpoint, okOnly, okResponse } from '../endpoint';

// TODO(area owner): fill this table.
export const submerchantEndpoints = {} as const;
void z; void endpoint; void okOnly; void okResponse;
