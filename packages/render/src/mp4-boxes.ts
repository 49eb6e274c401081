import { open } from "node:fs/promises";

/** Types of the top-level boxes of an MP4 in file order, e.g. ["ftyp", "moov", "free", "mdat"] after faststart. */
export async function topLevelBoxes(path: string): Promise<string[]> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const boxes: string[] = [];
    const header = Buffer.alloc(16);
    let pos = 0;
    while (pos + 8 <= size) {
      await fh.read(header, 0, 16, pos);
      let boxSize = header.readUInt32BE(0);
      const type = header.toString("latin1", 4, 8);
      if (boxSize === 1) boxSize = Number(header.readBigUInt64BE(8));
      else if (boxSize === 0) boxSize = size - pos;
      if (boxSize < 8) break;
      boxes.push(type);
      pos += boxSize;
    }
    return boxes;
  } finally {
    await fh.close();
  }
}
