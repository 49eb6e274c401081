import { describe, expect, it } from "vitest";
import { SNIFF_BYTES, sniffAudioType, sniffImageType } from "./index";
import { describeContent } from "./sniff";

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));
const ftyp = (major: string, ...compatible: string[]) => {
  const size = 16 + compatible.length * 4;
  return bytes([0, 0, 0, size], "ftyp", major, [0, 0, 0, 0], ...compatible);
};

describe("sniffImageType", () => {
  it.each([
    ["JPEG", bytes([0xff, 0xd8, 0xff, 0xe1]), "image/jpeg"],
    ["PNG", bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), "image/png"],
    ["WebP", bytes("RIFF", [1, 2, 3, 4], "WEBPVP8 "), "image/webp"],
    ["GIF87a", bytes("GIF87a"), "image/gif"],
    ["GIF89a", bytes("GIF89a"), "image/gif"],
    ["HEIC (iPhone)", ftyp("heic", "mif1", "heic"), "image/heic"],
    ["HEIC sequence", ftyp("hevc", "msf1"), "image/heic"],
    ["mif1 with heic compatible", ftyp("mif1", "mif1", "heic"), "image/heic"],
    ["generic HEIF", ftyp("mif1", "mif1", "miaf"), "image/heif"],
    ["AVIF", ftyp("avif", "mif1", "miaf"), "image/avif"],
    ["AVIF sequence", ftyp("avis", "msf1"), "image/avif"],
    ["mif1 with avif compatible", ftyp("mif1", "mif1", "miaf", "avif"), "image/avif"],
  ])("%s", (_name, head, type) => {
    expect(sniffImageType(head)).toBe(type);
  });

  it.each([
    ["empty", bytes()],
    ["text", bytes("hello world")],
    ["SVG", bytes("<svg xmlns='http://www.w3.org/2000/svg'>")],
    ["RIFF WAVE", bytes("RIFF", [0, 0, 0, 0], "WAVEfmt ")],
    ["MP4 video", ftyp("isom", "isom", "avc1")],
    ["M4A", ftyp("M4A ", "M4A ", "mp42")],
    ["two JPEG bytes", bytes([0xff, 0xd8])],
    ["truncated ftyp", bytes([0, 0, 0, 0x18], "ftyp")],
    ["TIFF", bytes("II*\0")],
    ["QuickTime", ftyp("qt  ", "qt  ")],
    ["JPEG 2000 (an ISO BMFF image we do not take)", ftyp("jp2 ", "jp2 ")],
  ])("%s is not a supported photo", (_name, head) => {
    expect(sniffImageType(head)).toBeNull();
  });

  it("decides within SNIFF_BYTES", () => {
    expect(SNIFF_BYTES).toBe(64);
    const long = Buffer.concat([ftyp("mif1", ...Array.from({ length: 20 }, () => "miaf")), Buffer.alloc(200)]);
    expect(sniffImageType(long.subarray(0, SNIFF_BYTES))).toBe("image/heif");
  });
});

describe("describeContent (for rejection messages)", () => {
  it.each([
    ["text", bytes("hello\nworld"), "text"],
    ["SVG", bytes("<svg xmlns='http://www.w3.org/2000/svg'>"), "an SVG drawing"],
    ["HTML", bytes("<!doctype html><html>"), "a web page"],
    ["PDF", bytes("%PDF-1.7"), "a PDF document"],
    ["MP4 video", ftyp("isom", "isom", "avc1"), "a video"],
    ["M4A", ftyp("M4A ", "M4A "), "an audio file"],
    ["MP3", bytes("ID3", [4, 0]), "an audio file"],
    ["binary junk", bytes([0, 1, 2, 3, 0xfe]), null],
  ])("%s", (_name, head, description) => {
    expect(describeContent(head)).toBe(description);
  });
});

describe("sniffAudioType", () => {
  it.each([
    ["MP3 with ID3", bytes("ID3", [4, 0, 0, 0, 0, 0, 0]), "audio/mpeg"],
    ["MP3 frame sync (MPEG-1 layer III, 128 kb/s, 44.1 kHz)", bytes([0xff, 0xfb, 0x90, 0x64]), "audio/mpeg"],
    ["MP3 frame sync (MPEG-2 layer III)", bytes([0xff, 0xf3, 0x64, 0xc4]), "audio/mpeg"],
    ["ADTS AAC", bytes([0xff, 0xf1, 0x50, 0x80]), "audio/aac"],
    ["ADTS AAC (MPEG-2 id)", bytes([0xff, 0xf9, 0x50, 0x80]), "audio/aac"],
    ["WAV", bytes("RIFF", [0x24, 0, 0, 0], "WAVEfmt "), "audio/wav"],
    ["Ogg", bytes("OggS", [0, 2]), "audio/ogg"],
    ["M4A", ftyp("M4A ", "M4A ", "mp42", "isom"), "audio/mp4"],
    ["mp42", ftyp("mp42", "isom"), "audio/mp4"],
    ["isom", ftyp("isom", "iso2", "mp41"), "audio/mp4"],
  ])("%s", (_name, head, type) => {
    expect(sniffAudioType(head)).toBe(type);
  });

  it.each([
    ["empty", bytes()],
    ["JPEG", bytes([0xff, 0xd8, 0xff, 0xe0])],
    ["frame sync with reserved version", bytes([0xff, 0xeb, 0x90, 0x64])],
    ["frame sync with bad bitrate", bytes([0xff, 0xfb, 0xf0, 0x64])],
    ["WebP (RIFF but not WAVE)", bytes("RIFF", [0, 0, 0, 0], "WEBPVP8 ")],
    ["HEIC", ftyp("heic", "mif1")],
    ["text", bytes("just some text")],
  ])("%s is not audio", (_name, head) => {
    expect(sniffAudioType(head)).toBeNull();
  });
});
