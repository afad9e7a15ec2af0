import type { giftcardEndpoints } from '@giftcard/shared';
import type { AreaHandlers } from '../../core/handler';

// TODO(area owner): one handler per endpoint of the table.
export const giftcardHandlers: AreaHandlers<typeof giftcardEndpoints> = {};
