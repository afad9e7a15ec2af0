import type { submerchantEndpoints } from '@giftcard/shared';
import type { AreaHandlers } from '../../core/handler';

// TODO(area owner): one handler per endpoint of the table.
export const submerchantHandlers: AreaHandlers<typeof submerchantEndpoints> = {};
