/**
 * A real browser plays the stream: headless Chromium (Debian's, driven by playwright-core) opens
 * the status page and its <video> of the WebM mount plays — `currentTime` advances and
 * `videoWidth > 0` (PITFALLS 22).
 */
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startExampleServer } from './helpers';

describe('status page in headless Chromium', () => {
  it('plays the live WebM stream', async () => {
    const server = await startExampleServer();
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
      // playwright gives the browser a fresh temporary profile of its own.
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.base}/?token=${server.token}`, { timeout: 20_000 });
      expect(await page.title()).toBe('Torsion stream server');
      // Browser-side code as strings: the project compiles without DOM types.
      await page.waitForFunction(`(() => { const v = document.querySelector('video');
        return v !== null && v.currentTime > 1 && v.videoWidth > 0; })()`, undefined, { timeout: 30_000, polling: 200 });
      const state = await page.evaluate(`(() => { const v = document.querySelector('video');
        return { width: v.videoWidth, height: v.videoHeight, time: v.currentTime, error: v.error ? v.error.message : null }; })()`) as
        { width: number; height: number; time: number; error: string | null };
      expect(state.error).toBeNull();
      expect(state.width).toBe(320);
      expect(state.height).toBe(240);
      expect(state.time).toBeGreaterThan(1);
    } finally {
      await browser.close();
      expect(await server.stop(), server.output()).toBe(0);
    }
  }, 120_000);
});
