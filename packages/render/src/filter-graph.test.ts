import { describe, expect, it } from "vitest";
import { TRANSITIONS, VideoSpecSchema, type VideoSpecInput } from "@photoreel/contracts";
import { planTimeline } from "@photoreel/timeline";
import { planChunks } from "./chunks";
import { buildFilterGraph } from "./filter-graph";
import { renderProfile } from "./policy";
import { buildMuxArgs } from "./render-video";

const id = () => crypto.randomUUID();
function graphFor(over: Partial<VideoSpecInput> & { n?: number; files?: string[]; maxSlides?: number; preview?: boolean } = {}) {
  const { n = 3, files, maxSlides = 100, preview, ...rest } = over;
  const spec = VideoSpecSchema.parse({ slides: Array.from({ length: n }, () => ({ photoId: id() })), ...rest });
  const plan = planTimeline(spec, renderProfile(spec, { preview }));
  const slideFiles = files ?? Array.from({ length: n }, (_, i) => `/w/photo-${i}.jpg`);
  const title = spec.titleCard ? { lineFiles: ["/w/title-0.txt"], fontFile: "/fonts/Bold.ttf", fontSize: 40 } : undefined;
  const chunks = planChunks(plan, maxSlides);
  return { plan, chunks, graphs: chunks.map((c) => buildFilterGraph(plan, c, { slideFiles, title })) };
}

describe("buildFilterGraph", () => {
  const YUV444_TRANSITIONS = ["dissolve", "fadeblack", "fadewhite", "pixelize"] as const;
  const planarTransitions = TRANSITIONS.filter((t) => t !== "none" && !(YUV444_TRANSITIONS as readonly string[]).includes(t));

  it.each(planarTransitions)("runs xfade=%s on each yuv420p plane, only on the transition frames", (transition) => {
    const { graphs } = graphFor({ n: 3, transition, transitionSeconds: 0.5, fps: 30 });
    const g = graphs[0]!.graph;
    // 2 transitions x 3 planes; clips of 15 frames taken from the same yuv420p frame the holds use.
    expect(g.match(/xfade=/g)).toHaveLength(6);
    expect(g).toContain(`[p1ay][p1by]xfade=transition=${transition}:duration=0.500000:offset=0[p1y]`);
    expect(g).toContain(`[p1av][p1bv]xfade=transition=${transition}:duration=0.500000:offset=0[p1v]`);
    expect(g).toContain("[p1y][p1u][p1v]mergeplanes=0x001020:yuv420p[p1]");
    expect(g.match(/tpad=stop_mode=clone:stop=14,setpts=N,extractplanes=y\+u\+v/g)).toHaveLength(4);
    expect(g).not.toContain("yuv444p");
    expect(g).toContain("[1:v]format=yuv420p,setsar=1,split=3");
    expect(g).toContain("concat=n=5:v=1:a=0");
  });

  it.each(YUV444_TRANSITIONS)("runs xfade=%s in yuv444p (chroma's black, white and noise differ from luma's)", (transition) => {
    const { graphs } = graphFor({ n: 3, transition, transitionSeconds: 0.5, fps: 30 });
    const g = graphs[0]!.graph;
    expect(g.match(/xfade=/g)).toHaveLength(2);
    expect(g).toContain(`xfade=transition=${transition}:duration=0.500000:offset=0,format=yuv420p`);
    expect(g).not.toContain("extractplanes");
    // Each xfade branch is a 15-frame clip held from a yuv444p copy made once per photo: the middle photo's two
    // clips share one conversion.
    expect(g.match(/tpad=stop_mode=clone:stop=14/g)).toHaveLength(4);
    expect(g.match(/format=yuv444p/g)).toHaveLength(3);
    expect(g).toContain("[1:v]setsar=1,split=2[i1f420][i1f444]");
    expect(g).toMatch(/\[i1f444\]format=yuv444p,split=2\[i1u\d\]\[i1u\d\]/);
    expect(g).toContain("concat=n=5:v=1:a=0");
  });

  it("makes `none` hard cuts: holds only, no xfade", () => {
    const { graphs } = graphFor({ n: 4, transition: "none", secondsPerPhoto: 2, fps: 25 });
    const g = graphs[0]!.graph;
    expect(g).not.toContain("xfade");
    expect(g.match(/tpad=stop_mode=clone:stop=49,/g)).toHaveLength(4);
  });

  it("decodes each file once: one input per distinct photo, split for its uses", () => {
    const { graphs } = graphFor({ n: 4, transition: "dissolve", files: ["/w/a.jpg", "/w/b.jpg", "/w/a.jpg", "/w/b.jpg"] });
    const g = graphs[0]!;
    expect(g.inputs).toEqual(["/w/a.jpg", "/w/b.jpg"]);
    // a: hold0, hold2 (yuv420p); trans0 tail, trans1 head, trans2 tail (one yuv444p copy) = 5 uses
    expect(g.graph).toContain("[0:v]setsar=1,split=2[i0f420][i0f444]");
    expect(g.graph).toContain("[i0f420]format=yuv420p,split=2");
    expect(g.graph).toContain("[i0f444]format=yuv444p,split=3");
    expect(g.graph).not.toContain("[2:v]");
  });

  it("holds each slide for its own duration (per-slide seconds)", () => {
    const spec: Partial<VideoSpecInput> = { fps: 30, transitionSeconds: 0.5 };
    const { plan, graphs } = graphFor({ ...spec, n: 3 });
    expect(plan.totalFrames).toBe(240);
    const custom = VideoSpecSchema.parse({ slides: [{ photoId: id(), seconds: 2 }, { photoId: id(), seconds: 5 }, { photoId: id() }], ...spec });
    const p2 = planTimeline(custom, renderProfile(custom));
    const g2 = buildFilterGraph(p2, planChunks(p2, 10)[0]!, { slideFiles: ["/a.jpg", "/b.jpg", "/c.jpg"] }).graph;
    expect(g2).toContain("tpad=stop_mode=clone:stop=44,"); // slide 0: 60 - 15
    expect(g2).toContain("tpad=stop_mode=clone:stop=119,"); // slide 1: 150 - 30
    expect(graphs[0]!.frames).toBe(240);
  });

  it.each([24, 25, 30] as const)("sets the time base to 1/%i fps", (fps) => {
    const { graphs } = graphFor({ fps });
    expect(graphs[0]!.graph).toContain(`settb=1/${fps},setpts=N[out]`);
  });

  it("draws the title card with the font and the text file, before the first slide", () => {
    const { graphs, plan } = graphFor({ titleCard: { text: "Hello", seconds: 3 }, aspect: "1:1", fps: 24 });
    const g = graphs[0]!.graph;
    expect(plan.titleFrames).toBe(72);
    expect(g).toContain(`color=c=black:s=1080x1080:r=24,trim=end_frame=72`);
    expect(g).toContain("drawtext=fontfile='/fonts/Bold.ttf':textfile='/w/title-0.txt':expansion=none");
    expect(g).toMatch(/\[p0\]\[p1\]/);
    expect(g.indexOf("color=c=black")).toBeLessThan(g.indexOf("[0:v]tpad") < 0 ? Infinity : g.indexOf("[0:v]tpad"));
  });

  it("leaves Ken Burns slides to writeKenBurnsFrames, but draws their title card", () => {
    expect(() => graphFor({ kenBurns: true })).toThrow(/writeKenBurnsFrames/);
    const spec = VideoSpecSchema.parse({ slides: [{ photoId: id() }], kenBurns: true, titleCard: { text: "x" } });
    const plan = planTimeline(spec, renderProfile(spec));
    const title = planChunks(plan, 5)[0]!.pieces[0]!;
    const g = buildFilterGraph(plan, { index: 0, startFrame: 0, frames: title.frames, pieces: [title] }, { slideFiles: [] });
    expect(g.inputs).toEqual([]);
    expect(g.graph).toContain("color=c=black");
  });

  it("gives each chunk only the photos it shows", () => {
    const { chunks, graphs } = graphFor({ n: 10, maxSlides: 4 });
    expect(graphs.reduce((a, g) => a + g.frames, 0)).toBe(chunks.reduce((a, c) => a + c.frames, 0));
    expect(graphs[0]!.inputs).toEqual(["/w/photo-0.jpg", "/w/photo-1.jpg", "/w/photo-2.jpg", "/w/photo-3.jpg"]);
    expect(graphs[1]!.inputs[0]).toBe("/w/photo-3.jpg");
  });

  it("rejects file paths that would need filtergraph escaping", () => {
    expect(() => graphFor({ titleCard: { text: "x" }, files: ["/w/it's.jpg", "/w/b.jpg", "/w/c.jpg"] })).not.toThrow();
    const spec = VideoSpecSchema.parse({ slides: [{ photoId: id() }], titleCard: { text: "x" } });
    const plan = planTimeline(spec, renderProfile(spec));
    expect(() =>
      buildFilterGraph(plan, planChunks(plan, 5)[0]!, {
        slideFiles: ["/a.jpg"],
        title: { lineFiles: ["/w/it's.txt"], fontFile: "/f.ttf", fontSize: 10 },
      }),
    ).toThrow(/unsafe path/);
  });
});

describe("buildMuxArgs", () => {
  it("copies the video and adds no audio stream without music", () => {
    const args = buildMuxArgs({ listFile: "/w/list.txt", durationSeconds: 10, fadeOutSeconds: 2, videoPath: "/w/v.mp4" });
    expect(args).toEqual(["-f", "concat", "-safe", "0", "-i", "/w/list.txt", "-map", "0:v", "-c:v", "copy", "-movflags", "+faststart", "/w/v.mp4"]);
  });
  it("loops (a counted number of times), trims and fades the music to the video length", () => {
    const audio = { path: "/w/m.mp3", format: "mp3", durationSeconds: 3 };
    const args = buildMuxArgs({ listFile: "/w/l.txt", audio, durationSeconds: 12.5, fadeOutSeconds: 2, videoPath: "/w/v.mp4" }).join(" ");
    expect(args).toContain("-f mp3 -stream_loop 4 -t 12.500000 -i /w/m.mp3");
    expect(args).not.toContain("-stream_loop -1");
    expect(args).toContain("atrim=end=12.500000,asetpts=N/SR/TB,afade=t=out:st=10.500000:d=2.000000");
    expect(args).toContain("-c:a aac");
  });
  it("skips the fade when fadeOutSeconds is 0", () => {
    const args = buildMuxArgs({ listFile: "/l", audio: { path: "/m.wav", format: "wav", durationSeconds: 60 }, durationSeconds: 5, fadeOutSeconds: 0, videoPath: "/v.mp4" }).join(" ");
    expect(args).not.toContain("afade");
    expect(args).toContain("-stream_loop 0 ");
  });
  it("refuses music too short to loop a bounded number of times", () => {
    const audio = { path: "/m.wav", format: "wav", durationSeconds: 0.000003 };
    expect(() => buildMuxArgs({ listFile: "/l", audio, durationSeconds: 60, fadeOutSeconds: 0, videoPath: "/v.mp4" })).toThrow(/cannot be looped/);
  });
});

describe("captions and title styles in the graph", () => {
  const plan = planTimeline(VideoSpecSchema.parse({ slides: [{ photoId: id() }, { photoId: id() }], titleCard: { text: "T" } }), { width: 320, height: 180, fps: 12 });
  const [chunk] = planChunks(plan, 100);
  const layout = { lines: ["Hi"], fontSize: 10, lineHeight: 14, bandTop: 140, bandHeight: 24, lineTops: [145], maxLineWidth: 288 };
  const caption = { layout, lineFiles: ["/w/caption-0-0.txt"], fontFile: "/fonts/Sans.ttf" };

  it("draws a caption once on the slide's decoded frame, before tpad holds it, and only on its slide", () => {
    const g = buildFilterGraph(plan, chunk!, { slideFiles: ["/w/a.jpg", "/w/b.jpg"], captions: [caption, undefined] }).graph;
    expect(g.match(/drawbox=x=0:y=140:w=iw:h=24:color=black@0.55:t=fill,drawtext=[^,]*textfile='\/w\/caption-0-0.txt':expansion=none[^,]*,tpad=/g)).toHaveLength(2);
    expect(g.match(/caption-0-0/g)).toHaveLength(2);
  });

  it("takes the photo title card from the first photo, blurred, and the colour one from its colour", () => {
    const base = { lineFiles: ["/w/title-0.txt"], fontFile: "/fonts/Bold.ttf", fontSize: 20 };
    const photo = buildFilterGraph(plan, chunk!, { slideFiles: ["/w/a.jpg", "/w/b.jpg"], title: { ...base, background: { kind: "photo" } } }).graph;
    expect(photo).toMatch(/\[i0u\d\]scale=80:46:force_original_aspect_ratio=increase,crop=80:46,format=yuv444p,gblur=sigma=3,scale=320:180,eq=brightness=-0.12/);
    expect(photo).not.toContain("color=c=");
    const colour = buildFilterGraph(plan, chunk!, { slideFiles: ["/w/a.jpg", "/w/b.jpg"], title: { ...base, background: { kind: "colour", colour: "#fde047" }, textColour: "black" } }).graph;
    expect(colour).toContain("color=c=0xfde047:s=320x180");
    expect(colour).toContain("fontcolor=black");
  });
});
