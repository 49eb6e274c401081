/**
 * How a video spec becomes frames, in pure TypeScript that runs in the worker and in the browser alike: the render
 * package draws its FFmpeg filtergraphs from these numbers and the composer's live preview draws the same frames.
 */
export { planTimeline, pieces, frameContent } from "./plan";
export type { FrameFormat, Timeline, SlideSpan, Boundary, Piece, FrameContent } from "./plan";
export { snapToBeats, cutDurations } from "./beats";
export { kenBurnsMotion, kenBurnsWindow, kenBurnsRect, KEN_BURNS_MAX_ZOOM } from "./ken-burns";
export type { KenBurnsMotion } from "./ken-burns";
export { CENTRE, fitGeometry, focalInFrame } from "./fit";
export type { FitGeometry } from "./fit";
export { lerpRect, scaleRect } from "./geometry";
export type { Rect, Size } from "./geometry";
// Output size and duration are facts of the spec's schema; they live beside it and are re-exported here so the
// preview and the render take everything about frames from one import.
export { outputSize, slideDurations, videoDuration, boundaryTransitions, boundarySeconds } from "@photoreel/contracts";
export { captionLayout, captionFontSize, wrapText, drawableText, textEms, CAPTION_MAX_LINES } from "./captions";
export type { CaptionLayout } from "./captions";
export { textColourOn } from "./title-card";
// The composer offers the date range as a title card subtitle; it lives with the spec so the web needs no other import.
export { captureDateRange } from "@photoreel/contracts";
export { slideStartFrame, slideShownFrame, musicGain, titleTextAlpha, titleTextLayout, wrapTitle } from "./playback";
export type { TitleTextLayout } from "./playback";
