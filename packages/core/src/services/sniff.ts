/** Just enough magic-number sniffing for completeUpload; full validation happens when the image is decoded. */
export function sniffImage(b: Uint8Array): string | null {
  const s = (o: number, t: string) => t.split("").every((c, i) => b[o + i] === c.charCodeAt(0));
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (b[0] === 0x89 && s(1, "PNG\r\n\x1a\n")) return "image/png";
  if (s(0, "RIFF") && s(8, "WEBP")) return "image/webp";
  if (s(0, "GIF87a") || s(0, "GIF89a")) return "image/gif";
  if (s(4, "ftyp")) {
    const brand = String.fromCharCode(...b.slice(8, 12));
    if (["heic", "heix", "hevc", "hevx", "heim", "heis"].includes(brand)) return "image/heic";
    if (["mif1", "msf1", "avif"].includes(brand)) return brand === "avif" ? null : "image/heif";
  }
  return null;
}

export function sniffAudio(b: Uint8Array): string | null {
  const s = (o: number, t: string) => t.split("").every((c, i) => b[o + i] === c.charCodeAt(0));
  if (s(0, "ID3") || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0 && ((b[1] ?? 0) & 0x06) !== 0)) return "audio/mpeg";
  if (b[0] === 0xff && ((b[1] ?? 0) & 0xf6) === 0xf0) return "audio/aac";
  if (s(0, "RIFF") && s(8, "WAVE")) return "audio/wav";
  if (s(0, "OggS")) return "audio/ogg";
  if (s(4, "ftyp")) return "audio/mp4";
  return null;
}
