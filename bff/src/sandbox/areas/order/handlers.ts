import type { orderEndpoints } from '@giftcard/shared';
import type { AreaHandlers } from '../../core/handler';

// TODO(area owner): one handler per endpoint of the table.
export const orderHandlers: AreaHandlers<typeof orderEndpoints> = {};
