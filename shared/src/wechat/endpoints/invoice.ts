import { z } from 'zod';
import { endpoint, okOnly, okResponse } from '../endpoint';

// TODO(area owner): fill this table.
export const invoiceEndpoints = {} as const;
void z; void endpoint; void okOnly; void okResponse;
