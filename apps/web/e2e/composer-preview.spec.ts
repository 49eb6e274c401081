import type { VideoSpec } from "@photoreel/contracts";
import { clickTrack } from "@photoreel/images/testing";
import { planTimeline, slideShownFrame } from "@photoreel/timeline";
import { expect, test, type Page } from "@playwright/test";
import { expireLinksIn, screen, signUp, uniqueEmail, uploadAndPick } from "./fixtures";

/** A coarse fingerprint of what the live preview's canvas shows: an 8x8 grid of RGB samples. */
const pixels = (page: Page) =>
  page.getByTestId("live-canvas").evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext("2d")!;
    const out: number[] = [];
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) {
        const d = ctx.getImageData(Math.floor(((x + 0.5) * c.width) / 8), Math.floor(((y + 0.5) * c.height) / 8), 1, 1).data;
        out.push(d[0]!, d[1]!, d[2]!);
      }
    return { out, width: c.width, height: c.height };
  });
const differs = (a: number[], b: number[]) => a.reduce((n, v, i) => n + Math.abs(v - b[i]!), 0) / a.length;
const state = (page: Page) => page.evaluate(() => window.__photoreelPreview!.state());

test("the composer plays the spec live as it is edited, seeks by frame and fits one screen", async ({ page }) => {
  test.setTimeout(5 * 60_000);
  await signUp(page, uniqueEmail("live-preview"));
  await uploadAndPick(page, 10, 180_000);
  await page.getByRole("button", { name: "Make a video" }).click();
  await expect(page.getByRole("heading", { name: "Compose a video" })).toBeVisible();
  await expect(page.getByTestId("slide")).toHaveCount(10);

  // The first frame is drawn from the photos' previews, with no render on the server.
  const canvas = page.getByTestId("live-canvas");
  await expect(canvas).toBeVisible();
  await expect.poll(async () => (await state(page)).ready, { timeout: 30_000 }).toBe(true);
  const st = await state(page);
  expect(st.totalFrames).toBe(Math.round((10 * 3 - 9 * 0.5) * 30));
  expect(st.width / st.height).toBeCloseTo(16 / 9, 1);
  const cover = await pixels(page);

  // Fit with bars: the 3:2 photos leave black bars at the sides of a 16:9 frame.
  await page.getByRole("radio", { name: "Fit (bars)" }).check();
  await expect.poll(async () => differs((await pixels(page)).out, cover.out)).toBeGreaterThan(5);
  const contain = await pixels(page);
  expect(contain.out.slice(0, 3)).toEqual([0, 0, 0]);

  // Aspect 9:16: the canvas turns tall.
  await page.getByRole("radio", { name: "9:16" }).check();
  await expect.poll(async () => (await state(page)).height > (await state(page)).width).toBe(true);
  await page.getByRole("radio", { name: "16:9" }).check();

  // Playing moves the playhead and the picture (Ken Burns on, so even a held photo moves).
  await page.getByLabel("Slow pan and zoom (Ken Burns)").check();
  const before = await pixels(page);
  const frame0 = (await state(page)).frame;
  await page.getByTestId("live-play").click();
  await expect.poll(async () => (await state(page)).frame, { timeout: 10_000 }).toBeGreaterThan(frame0 + 10);
  expect(differs((await pixels(page)).out, before.out)).toBeGreaterThan(0.5);
  await page.getByRole("button", { name: "Pause" }).click();

  // Frame-accurate seek by keyboard, on the canvas.
  await canvas.focus();
  await page.keyboard.press("Home");
  const at = (await state(page)).frame;
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  expect((await state(page)).frame).toBe(at + 3);
  await page.keyboard.press("ArrowLeft");
  expect((await state(page)).frame).toBe(at + 2);
  await expect(page.getByTestId("live-time")).toContainText("/ 0:25.5");

  // Editing slide 3's duration shows slide 3, alone on screen: two slides less their transitions (2 x 2.5 s), then
  // its own fade in (0.5 s).
  const third = page.getByTestId("slide").nth(2).getByLabel("Seconds");
  await third.focus();
  expect((await state(page)).frame).toBe(165);
  await third.fill("4");
  await expect.poll(async () => (await state(page)).totalFrames).toBe(Math.round((9 * 3 + 4 - 9 * 0.5) * 30));

  // One screen at 1440x900 for 10 photos: the page itself does not scroll.
  await page.setViewportSize({ width: 1440, height: 900 });
  const overflow = await page.evaluate(() => ({
    by: document.documentElement.scrollHeight - innerHeight,
    // What reaches below the window, to say what to fix when this fails.
    below: [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().bottom > innerHeight + 1 && !(e.parentElement && e.parentElement.getBoundingClientRect().bottom > innerHeight + 1))
      .slice(0, 5)
      .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().bottom)}`),
  }));
  expect(overflow.by, overflow.below.join("; ")).toBeLessThanOrEqual(0);
  await expect(canvas).toBeInViewport();

  // Screenshots and axe at 1440x900 and 390x844 (and dark); on the phone the player comes first.
  await screen(page, "composer-live-preview");
  await page.setViewportSize({ width: 390, height: 844 });
  const canvasBox = (await canvas.boundingBox())!;
  const listBox = (await page.getByTestId("timeline").boundingBox())!;
  expect(canvasBox.y).toBeLessThan(listBox.y);
  expect(canvasBox.y + canvasBox.height).toBeLessThan(844);
});

test("with a track's beats, 'Cut on the beat' moves the live preview's cuts to where the created video has them", async ({ page }) => {
  test.setTimeout(5 * 60_000);
  await signUp(page, uniqueEmail("live-beats"));
  await uploadAndPick(page, 5, 180_000);
  await page.getByRole("button", { name: "Make a video" }).click();
  await expect(page.getByTestId("slide")).toHaveCount(5);

  // A 20 s click track at 128 BPM: its beats are found when the upload completes.
  await page.getByTestId("music-input").setInputFiles({ name: "click.wav", mimeType: "audio/wav", buffer: clickTrack(128, 20, 0.37).wav });
  await expect(page.getByLabel("Track", { exact: true })).toHaveValue(/^[0-9a-f-]{36}$/, { timeout: 30_000 });
  const onBeat = page.getByLabel(/Cut on the beat/);
  await expect(onBeat.locator("xpath=..")).toContainText("BPM");
  await expect.poll(async () => (await state(page)).ready, { timeout: 30_000 }).toBe(true);

  // Where slide 3 starts (focusing its length shows it) and how long the video is, off and then on the beat.
  const third = page.getByTestId("slide").nth(2).getByLabel("Seconds");
  const slide3Start = async () => {
    await page.getByTestId("live-canvas").focus();
    await third.focus();
    return (await state(page)).frame;
  };
  const off = { total: (await state(page)).totalFrames, slide3: await slide3Start(), time: await page.getByTestId("live-time").textContent() };
  expect(off).toMatchObject({ total: Math.round((5 * 3 - 4 * 0.5) * 30), slide3: 165 });
  await onBeat.check();
  await expect.poll(async () => (await state(page)).totalFrames).not.toBe(off.total);
  const on = { total: (await state(page)).totalFrames, slide3: await slide3Start() };
  expect(on.slide3).not.toBe(off.slide3);
  await expect(page.getByTestId("live-time")).not.toHaveText(off.time!);
  await screen(page, "composer-cut-on-beat");

  // The video made from this draft is cut where the preview cut it: the API's stamped spec, planned by the timeline.
  await page.getByLabel("Video title").fill("On the beat");
  await page.getByRole("button", { name: "Create video" }).click();
  await expect(page).toHaveURL(/\/videos$/);
  const call = async <T,>(path: string, input: unknown): Promise<T> => {
    const res = await page.request.get(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
    expect(res.ok()).toBe(true);
    return ((await res.json()) as { result: { data: T } }).result.data;
  };
  const [video] = (await call<{ items: { id: string }[] }>("videos.list", { limit: 1 })).items;
  const stamped = await call<VideoSpec>("videos.spec", { id: video!.id });
  const plan = planTimeline(stamped, { width: 640, height: 360, fps: stamped.fps });
  expect({ total: plan.totalFrames, slide3: slideShownFrame(plan, 2) }).toEqual(on);
});

test("the first frame asks for its own photo alone, and a slide whose photo has not arrived is grey, never another photo", async ({ page }) => {
  test.setTimeout(5 * 60_000);
  await signUp(page, uniqueEmail("live-first"));
  await uploadAndPick(page, 4, 180_000);

  // Every preview download is held until the test lets it through.
  const held: { url: string; go: () => Promise<void> }[] = [];
  let releaseAll = false;
  await page.route(/\/preview\.webp/, (route) => (releaseAll ? route.continue() : void held.push({ url: route.request().url(), go: () => route.continue() })));
  await page.getByRole("button", { name: "Make a video" }).click();
  await expect(page.getByTestId("slide")).toHaveCount(4);
  const first = await page.evaluate(() => window.__photoreelPreview!.spec()!.slides[0]!.photoId);
  await expect.poll(() => held.length).toBeGreaterThan(0);
  // Only the first frame's photo is asked for before it is drawn: nothing queues in front of it.
  expect(held.map((h) => h.url.includes(first))).toEqual([true]);
  await held.shift()!.go();
  await expect.poll(async () => (await state(page)).ready, { timeout: 30_000 }).toBe(true);
  expect(await page.evaluate(() => window.__photoreelPreview!.firstFrameAt)).not.toBeNull();

  // The rest follow once it is in. The fourth slide, its photo still held, shows the grey placeholder, not a photo.
  await expect.poll(() => held.length).toBeGreaterThan(0);
  const total = (await state(page)).totalFrames;
  await page.evaluate((f) => window.__photoreelPreview!.seekFrame(f), Math.round((3 * 2.5 + 1) * 30));
  expect((await state(page)).ready).toBe(false);
  const grey = await pixels(page);
  expect(new Set(grey.out)).toEqual(new Set([42]));
  releaseAll = true;
  for (const h of held.splice(0)) await h.go();
  await expect.poll(async () => (await state(page)).ready, { timeout: 30_000 }).toBe(true);
  expect(differs((await pixels(page)).out, grey.out)).toBeGreaterThan(20);
  expect((await state(page)).totalFrames).toBe(total);
});

test("a slide whose preview link has expired is fetched again with a fresh link and drawn", async ({ page }) => {
  test.setTimeout(4 * 60_000);
  await signUp(page, uniqueEmail("live-expired"));
  await uploadAndPick(page, 2, 120_000);

  const { refused } = await expireLinksIn(page, "photos.list", "preview.webp");
  await page.getByRole("button", { name: "Make a video" }).click();
  await expect(page.getByTestId("slide")).toHaveCount(2);
  // Both slides' photos are drawn: the first frame, then a frame of the second slide.
  await expect.poll(async () => (await state(page)).ready, { timeout: 30_000 }).toBe(true);
  await page.evaluate((f) => window.__photoreelPreview!.seekFrame(f), (await state(page)).totalFrames - 1);
  await expect.poll(async () => (await state(page)).ready, { timeout: 30_000 }).toBe(true);
  const spec = await page.evaluate(() => window.__photoreelPreview!.spec()!);
  expect(spec.slides.every((s) => [...refused].some((p) => p.includes(`/photos/${s.photoId}/`)))).toBe(true);
  expect(differs((await pixels(page)).out, new Array<number>(64 * 3).fill(42))).toBeGreaterThan(20);
});
