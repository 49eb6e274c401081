// HEIF test files made here, never committed: real HEVC/AV1 bitstreams from Debian's libheif encoder (heif-enc, in
// libheif-examples, which scripts/lib/ensure.sh installs), re-packed by a small ISO BMFF writer into the shapes phones
// write (tile grids, irot/imir, EXIF items, several images) and into hostile ones (grid bombs, zero-tile grids).
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import sharp, { type Sharp } from "sharp";

const exec = promisify(execFile);

/** Encodes a PNG or JPEG with heif-enc (x265 for HEIC, aom for AVIF); heif-enc keeps an input's ICC profile and EXIF. */
export async function heifEnc(
  input: Buffer,
  opts: { quality?: number; bitDepth?: 8 | 10; avif?: boolean; ext?: "png" | "jpg"; timeoutMs?: number; x265Preset?: string } = {},
): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), "heif-enc-"));
  try {
    const src = join(dir, `in.${opts.ext ?? (input[0] === 0xff ? "jpg" : "png")}`);
    const out = join(dir, opts.avif ? "out.avif" : "out.heic");
    await writeFile(src, input);
    const args = ["-q", String(opts.quality ?? 80), ...(opts.bitDepth ? ["-b", String(opts.bitDepth)] : []), ...(opts.avif ? ["-A"] : []), ...(opts.x265Preset ? ["-p", `preset=${opts.x265Preset}`] : []), "-o", out, src];
    await exec("heif-enc", args, { timeout: opts.timeoutMs ?? 120_000 });
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------- reading (just enough to take heif-enc's output apart) ----------

interface Box {
  type: string;
  /** Payload after the box header (and after version/flags for the full boxes we read). */
  body: Buffer;
}

function boxes(buf: Buffer): Box[] {
  const out: Box[] = [];
  for (let at = 0; at + 8 <= buf.length; ) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString("latin1", at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = buf.length - at;
    out.push({ type, body: buf.subarray(at + header, at + size) });
    at += size;
  }
  return out;
}
const child = (parent: Buffer, type: string, skip = 0) => boxes(parent.subarray(skip)).find((b) => b.type === type);

/** One coded image from a heif-enc file: its decoder configuration (hvcC/av1C box), colour box and bitstream. */
export interface CodedImage {
  itemType: "hvc1" | "av01";
  width: number;
  height: number;
  /** Whole property boxes (header included) that describe the coding: hvcC/av1C, pixi, colr. */
  codingProps: Buffer[];
  data: Buffer;
}

/** Takes the primary image of a single-image heif-enc file apart. */
export function codedImage(file: Buffer): CodedImage {
  const meta = child(file, "meta");
  if (!meta) throw new Error("no meta box");
  const inMeta = boxes(meta.body.subarray(4));
  const pitm = inMeta.find((b) => b.type === "pitm")!.body;
  const primary = pitm.readUInt16BE(4);
  const iinf = inMeta.find((b) => b.type === "iinf")!.body;
  let itemType = "";
  for (const infe of boxes(iinf.subarray(6))) {
    const id = infe.body.readUInt16BE(4);
    if (id === primary) itemType = infe.body.toString("latin1", 8, 12);
  }
  const iprp = inMeta.find((b) => b.type === "iprp")!.body;
  const ipco = boxes(iprp).find((b) => b.type === "ipco")!.body;
  const props = rawBoxes(ipco);
  const ipma = boxes(iprp).find((b) => b.type === "ipma")!.body;
  const flags = ipma.readUIntBE(1, 3);
  const assoc: number[] = [];
  let at = 8;
  for (let n = ipma.readUInt32BE(4); n > 0; n--) {
    const id = ipma.readUInt16BE(at);
    const count = ipma[at + 2]!;
    at += 3;
    for (let i = 0; i < count; i++) {
      const index = flags & 1 ? ipma.readUInt16BE(at) & 0x7fff : ipma[at]! & 0x7f;
      at += flags & 1 ? 2 : 1;
      if (id === primary) assoc.push(index);
    }
  }
  const mine = assoc.map((i) => props[i - 1]!);
  const ispe = mine.find((p) => p.toString("latin1", 4, 8) === "ispe")!;
  const codingProps = mine.filter((p) => ["hvcC", "av1C", "pixi", "colr"].includes(p.toString("latin1", 4, 8)));
  return {
    itemType: itemType as CodedImage["itemType"],
    width: ispe.readUInt32BE(12),
    height: ispe.readUInt32BE(16),
    codingProps,
    data: itemData(file, inMeta.find((b) => b.type === "iloc")!.body, primary),
  };
}

/** The whole child boxes (headers included) of a container body. */
function rawBoxes(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at + 8 <= body.length; at += body.readUInt32BE(at)) out.push(body.subarray(at, at + body.readUInt32BE(at)));
  return out;
}

function itemData(file: Buffer, iloc: Buffer, item: number): Buffer {
  const version = iloc[0]!;
  const sizes = iloc.readUInt16BE(4);
  const [offsetSize, lengthSize, baseSize, indexSize] = [sizes >> 12, (sizes >> 8) & 15, (sizes >> 4) & 15, sizes & 15];
  const read = (at: number, n: number) => (n === 0 ? 0 : n === 4 ? iloc.readUInt32BE(at) : Number(iloc.readBigUInt64BE(at)));
  let at = 6;
  const count = version < 2 ? iloc.readUInt16BE(at) : iloc.readUInt32BE(at);
  at += version < 2 ? 2 : 4;
  for (let i = 0; i < count; i++) {
    const id = version < 2 ? iloc.readUInt16BE(at) : iloc.readUInt32BE(at);
    at += version < 2 ? 2 : 4;
    if (version >= 1) at += 2; // construction method
    at += 2; // data reference index
    const base = read(at, baseSize);
    at += baseSize;
    const extents = iloc.readUInt16BE(at);
    at += 2;
    const parts: Buffer[] = [];
    for (let e = 0; e < extents; e++) {
      if (version >= 1 && indexSize > 0) at += indexSize;
      const offset = read(at, offsetSize);
      at += offsetSize;
      const length = read(at, lengthSize);
      at += lengthSize;
      parts.push(file.subarray(base + offset, base + offset + length));
    }
    if (id === item) return Buffer.concat(parts);
  }
  throw new Error(`no iloc entry for item ${item}`);
}

// ---------- writing ----------

const u8 = (n: number) => Buffer.from([n & 0xff]);
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const box = (type: string, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, "latin1"), body]);
};
const fullBox = (type: string, version: number, flags: number, ...parts: Buffer[]) => box(type, u8(version), u8(flags >> 16), u16(flags & 0xffff), ...parts);

export const props = {
  ispe: (width: number, height: number) => fullBox("ispe", 0, 0, u32(width), u32(height)),
  /** Anticlockwise rotation in quarter turns. */
  irot: (quarterTurns: number) => box("irot", u8(quarterTurns & 3)),
  /** As libheif (the reference decoder) reads it: axis 0 exchanges top and bottom, axis 1 left and right. */
  imir: (axis: 0 | 1) => box("imir", u8(axis)),
  /** A Display P3 (or any) ICC profile. */
  colrIcc: (icc: Buffer) => box("colr", Buffer.from("prof", "latin1"), icc),
};

export interface ItemSpec {
  id: number;
  type: string;
  data: Buffer;
  /** Property boxes associated with the item, in order (transforms after the descriptive ones, as HEIF requires). */
  props?: Buffer[];
  hidden?: boolean;
  /** iref entries from this item: dimg (grid -> tiles), thmb (thumbnail -> master), cdsc (Exif -> image). */
  refs?: { type: "dimg" | "thmb" | "cdsc"; to: number[] }[];
}

const ESSENTIAL = new Set(["irot", "imir", "hvcC", "av1C"]);

/** Writes a HEIF file: ftyp, meta (hdlr, pitm, iinf, iref, iprp, iloc) and one mdat holding every item's data. */
export function buildHeif(spec: { brands: string[]; primary: number; items: ItemSpec[] }): Buffer {
  const [major = "heic", ...compatible] = spec.brands;
  const ftyp = box("ftyp", Buffer.from(major, "latin1"), u32(0), ...compatible.map((b) => Buffer.from(b, "latin1")));
  const allProps: Buffer[] = [];
  const indexOf = (p: Buffer) => {
    const found = allProps.findIndex((q) => q.equals(p));
    if (found !== -1) return found + 1;
    allProps.push(p);
    return allProps.length;
  };
  const ipmaEntries = spec.items
    .filter((item) => item.props?.length)
    .map((item) => {
      const list = item.props!.map((p) => (ESSENTIAL.has(p.toString("latin1", 4, 8)) ? 0x80 : 0) | indexOf(p));
      return Buffer.concat([u16(item.id), u8(list.length), ...list.map(u8)]);
    });
  const infe = (item: ItemSpec) => fullBox("infe", 2, item.hidden ? 1 : 0, u16(item.id), u16(0), Buffer.from(item.type, "latin1"), u8(0));
  const refs = spec.items.flatMap((item) => (item.refs ?? []).map((r) => box(r.type, u16(item.id), u16(r.to.length), ...r.to.map(u16))));
  const iloc = (offsets: number[]) =>
    fullBox(
      "iloc",
      0,
      0,
      u8(0x44), // offset_size 4, length_size 4
      u8(0x00), // base_offset_size 0
      u16(spec.items.length),
      ...spec.items.flatMap((item, i) => [u16(item.id), u16(0), u16(1), u32(offsets[i]!), u32(item.data.length)]),
    );
  const meta = (offsets: number[]) =>
    fullBox(
      "meta",
      0,
      0,
      fullBox("hdlr", 0, 0, u32(0), Buffer.from("pict", "latin1"), Buffer.alloc(12), u8(0)),
      fullBox("pitm", 0, 0, u16(spec.primary)),
      fullBox("iinf", 0, 0, u16(spec.items.length), ...spec.items.map(infe)),
      ...(refs.length ? [fullBox("iref", 0, 0, ...refs)] : []),
      box("iprp", box("ipco", ...allProps), fullBox("ipma", 0, 0, u32(ipmaEntries.length), ...ipmaEntries)),
      iloc(offsets),
    );
  // Item offsets are absolute, and the meta box's size does not depend on their values: lay it out twice.
  const metaSize = meta(spec.items.map(() => 0)).length;
  let at = ftyp.length + metaSize + 8;
  const offsets = spec.items.map((item) => {
    const o = at;
    at += item.data.length;
    return o;
  });
  return Buffer.concat([ftyp, meta(offsets), box("mdat", ...spec.items.map((i) => i.data))]);
}

/** A grid item's data: version 0, 16-bit output size. */
export const gridData = (rows: number, columns: number, width: number, height: number) =>
  Buffer.concat([u8(0), u8(0), u8(rows - 1), u8(columns - 1), u16(width), u16(height)]);

/** An Exif item's data: the offset from its 5th byte to the TIFF header, then the EXIF (Apple keeps "Exif\0\0"). */
export const exifItemData = (exif: Buffer) => Buffer.concat([u32(exif.toString("latin1", 0, 6) === "Exif\0\0" ? 6 : 0), exif]);

// ---------- the shapes phones write ----------

/** sRGB pixels -> the same colours as Display P3 code values (what an iPhone stores), plus the P3 profile's bytes. */
export async function asDisplayP3(img: Sharp) {
  const png = await img.withIccProfile("p3").png().toBuffer();
  const { icc } = await sharp(png).metadata();
  return { pixels: await sharp(png, { ignoreIcc: true }).png().toBuffer(), icc: icc! };
}

/** Encodes `stored` as a rows x columns grid of separately coded HEVC tiles, as iPhones do (512x512 tiles there). */
export async function heicGrid(stored: Buffer, rows: number, columns: number, gridProps: Buffer[], extra: ItemSpec[] = []) {
  const { width, height } = await sharp(stored).metadata();
  const tw = width! / columns;
  const th = height! / rows;
  const tiles: CodedImage[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const tile = await sharp(stored).extract({ left: c * tw, top: r * th, width: tw, height: th }).png().toBuffer();
      tiles.push(codedImage(await heifEnc(tile, { quality: 92 })));
    }
  }
  const tileItems: ItemSpec[] = tiles.map((t, i) => ({ id: 10 + i, type: "hvc1", data: t.data, hidden: true, props: [...t.codingProps, props.ispe(tw, th)] }));
  return buildHeif({
    brands: ["heic", "mif1", "heic", "miaf"],
    primary: 1,
    items: [
      { id: 1, type: "grid", data: gridData(rows, columns, width!, height!), props: [props.ispe(width!, height!), ...gridProps], refs: [{ type: "dimg", to: tileItems.map((t) => t.id) }] },
      ...tileItems,
      ...extra,
    ],
  });
}

/** EXIF as a camera writes it (via sharp, "Exif\0\0" + TIFF), for an Exif item. */
export async function exifTiff(fields: { orientation?: number; taken?: string; offset?: string; make?: string; model?: string }) {
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } })
    .withExif({
      IFD0: { ...(fields.make ? { Make: fields.make } : {}), ...(fields.model ? { Model: fields.model } : {}) },
      IFD2: { ...(fields.taken ? { DateTimeOriginal: fields.taken } : {}), ...(fields.offset ? { OffsetTimeOriginal: fields.offset } : {}) },
    })
    .withMetadata(fields.orientation ? { orientation: fields.orientation } : {})
    .jpeg()
    .toBuffer();
  return (await sharp(jpeg).metadata()).exif!;
}

export const exifItem = (id: number, of: number, exif: Buffer): ItemSpec => ({ id, type: "Exif", data: exifItemData(exif), hidden: true, refs: [{ type: "cdsc", to: [of] }] });

export type ItemWithExtra = Omit<ItemSpec, "id"> & { id: number; extraProps?: Buffer[] };
export function asItem(c: CodedImage): Omit<ItemSpec, "id"> {
  return { type: c.itemType, data: c.data, props: [...c.codingProps, props.ispe(c.width, c.height)] };
}
export function withExtra({ extraProps, ...item }: ItemWithExtra): ItemSpec {
  return { ...item, props: [...(item.props ?? []), ...(extraProps ?? [])] };
}

/**
 * An iPhone-style HEIC of `upright`: the sensor's frame (the picture a quarter turn anticlockwise) as a grid of
 * separately coded HEVC tiles, irot 3 to stand it up, Display P3 pixels with their ICC profile, and an Exif item with
 * orientation 6 (iPhones write both), the capture date and the camera. `upright`'s sides must split into the tiles.
 */
export async function phoneHeic(upright: Buffer, opts: { rows: number; columns: number; taken: string; offset?: string }): Promise<Buffer> {
  const p3 = await asDisplayP3(sharp(upright).rotate(270));
  const exif = await exifTiff({ orientation: 6, taken: opts.taken, ...(opts.offset ? { offset: opts.offset } : {}), make: "Apple", model: "iPhone 15 Pro" });
  return heicGrid(p3.pixels, opts.rows, opts.columns, [props.colrIcc(p3.icc), props.irot(3)], [exifItem(1000, 1, exif)]);
}

/** An AVIF of `upright` stored sideways with irot 3, an Exif item with the capture date (AV1 from heif-enc's aom). */
export async function phoneAvif(upright: Buffer, opts: { taken: string }): Promise<Buffer> {
  const coded = codedImage(await heifEnc(await sharp(upright).rotate(270).png().toBuffer(), { avif: true, quality: 85 }));
  const exif = await exifTiff({ taken: opts.taken, make: "Google", model: "Pixel 9" });
  return buildHeif({ brands: ["avif", "mif1", "miaf"], primary: 1, items: [{ id: 1, ...asItem(coded), props: [...asItem(coded).props!, props.irot(3)] }, exifItem(2, 1, exif)] });
}
