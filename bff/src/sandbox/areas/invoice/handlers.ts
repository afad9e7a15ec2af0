import type { invoiceEndpoints } from '@giftcard/shared';
import type { AreaHandlers } from '../../core/handler';

// TODO(area owner): one handler per endpoint of the table.
export const invoiceHandlers: AreaHandlers<typeof invoiceEndpoints> = {};
