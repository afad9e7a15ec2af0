import type { Locator, Page } from 'playwright-core';

/**
 * The first element matching `selector` (and containing `text`) visible, no loading state left, and
 * Taro's page transition over (no running animation but a skeleton's own pulse, the element still
 * across two frames): a screenshot now shows the page, not a blank or a half-slid one.
 * `allowLoading`: a page whose loading state is what is shown.
 */
export async function settled(page: Page, selector: string, opts: { text?: string; timeout?: number; allowLoading?: boolean } = {}): Promise<Locator> {
  const timeout = opts.timeout ?? 20_000;
  const target = page.locator(opts.text === undefined ? selector : `${selector}:has-text("${opts.text}")`).first();
  await target.waitFor({ state: 'visible', timeout });
  await page.waitForFunction(
    (allowLoading) => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { offsetParent: unknown } | null; getAnimations(): { playState: string; effect: { target: { closest(s: string): unknown } | null } | null }[] } }).document;
      const loading = doc.querySelector('[data-testid=state-loading]');
      const sliding = doc.getAnimations().some((a) => a.playState === 'running' && !a.effect?.target?.closest('.skeleton'));
      return (allowLoading || !loading || loading.offsetParent === null) && !sliding;
    },
    !!opts.allowLoading,
    { timeout },
  );
  let last = '';
  for (let i = 0; i < 50; i++) {
    const box = JSON.stringify(await target.boundingBox());
    if (box === last && box !== 'null') break;
    last = box;
    await page.evaluate(() => new Promise((r) => (globalThis as unknown as { requestAnimationFrame(cb: () => void): void }).requestAnimationFrame(() => r(null))));
  }
  return target;
}
