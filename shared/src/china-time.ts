/**
 * Unix seconds → "2026年12月1日 14:05" (or "2026年12月1日" without the time) in China Standard Time
 * (UTC+8, no daylight saving), whatever zone the server or shell runs in: the landing pages and the
 * till's command line show WeChat's times as Chinese users read them. No Intl, no imports.
 */
export function formatChinaTime(unixSeconds: number, withTime = true): string {
  const d = new Date((unixSeconds + 8 * 3600) * 1000);
  const date = `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
  if (!withTime) return date;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}
