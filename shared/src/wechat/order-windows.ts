/**
 * `/card/giftcard/order/batchget` answers at most 31 days at a time (spec 002 §9.2 note 2:
 * "begin_time and end_time cannot span more than 31 days"; WeChat answers 40079 beyond).
 */
export const ORDER_WINDOW_SECONDS = 31 * 24 * 60 * 60;

export interface OrderWindow {
  /** Unix seconds, inclusive. */
  begin_time: number;
  /** Unix seconds, inclusive. */
  end_time: number;
}

/**
 * Splits [begin, end] (Unix seconds, both inclusive, as the batch query reads them) into windows
 * WeChat accepts, in order: each spans less than 31 days, the next starts one second after the
 * previous ends, so every second is in exactly one window. Windows start at `begin` plus whole
 * multiples of 31 days, so day boundaries in the input stay day boundaries.
 */
export function splitOrderWindows(begin: number, end: number, maxSpanSeconds = ORDER_WINDOW_SECONDS): OrderWindow[] {
  for (const [name, v] of [['begin', begin], ['end', end], ['maxSpanSeconds', maxSpanSeconds]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer of seconds, got ${v}`);
  }
  if (maxSpanSeconds < 1) throw new RangeError('maxSpanSeconds must be at least 1');
  if (end < begin) throw new RangeError(`end (${end}) is before begin (${begin})`);
  const windows: OrderWindow[] = [];
  for (let start = begin; start <= end; start += maxSpanSeconds) {
    windows.push({ begin_time: start, end_time: Math.min(end, start + maxSpanSeconds - 1) });
  }
  return windows;
}
