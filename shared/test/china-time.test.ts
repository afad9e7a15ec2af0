import { formatChinaTime } from '../src/china-time';
import { formatChinaTime as fromIndex } from '../src';

test('China time (UTC+8), whatever the zone: across midnight and the year', () => {
  expect(formatChinaTime(Date.UTC(2026, 11, 1, 6, 5) / 1000)).toBe('2026年12月1日 14:05');
  expect(formatChinaTime(Date.UTC(2026, 11, 31, 16, 0) / 1000)).toBe('2027年1月1日 00:00');
  expect(formatChinaTime(Date.UTC(2026, 11, 1, 6, 5) / 1000, false)).toBe('2026年12月1日');
  expect(fromIndex).toBe(formatChinaTime);
});
