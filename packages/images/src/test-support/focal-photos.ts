import sharp from "sharp";

/** A synthetic photo whose subject is off-centre, with the point a person would mark as its subject. */
export interface MarkedPhoto {
  name: string;
  jpeg: Buffer;
  /** The hand-marked subject, 0..1 of the photo. */
  mark: { x: number; y: number };
}

const noise = (opacity: number, freq = 0.9) =>
  `<filter id="n"><feTurbulence type="fractalNoise" baseFrequency="${freq}" numOctaves="2" seed="3"/><feColorMatrix type="saturate" values="0"/>` +
  `<feComponentTransfer><feFuncA type="linear" slope="${opacity}"/></feComponentTransfer></filter>`;

/** A face: skin ellipse, hair, eyes, mouth, centred on (cx, cy) with height `h`. */
const face = (cx: number, cy: number, h: number, skin = "#d9a07e") => {
  const rx = h * 0.38, ry = h * 0.5;
  return (
    `<ellipse cx="${cx}" cy="${cy - ry * 0.55}" rx="${rx * 1.1}" ry="${ry * 0.6}" fill="#3a2618"/>` +
    `<ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}" fill="${skin}"/>` +
    `<ellipse cx="${cx - rx * 0.4}" cy="${cy - ry * 0.15}" rx="${rx * 0.14}" ry="${ry * 0.07}" fill="#fff"/>` +
    `<ellipse cx="${cx + rx * 0.4}" cy="${cy - ry * 0.15}" rx="${rx * 0.14}" ry="${ry * 0.07}" fill="#fff"/>` +
    `<circle cx="${cx - rx * 0.4}" cy="${cy - ry * 0.15}" r="${rx * 0.07}" fill="#2b1a10"/>` +
    `<circle cx="${cx + rx * 0.4}" cy="${cy - ry * 0.15}" r="${rx * 0.07}" fill="#2b1a10"/>` +
    `<path d="M ${cx - rx * 0.35} ${cy + ry * 0.45} Q ${cx} ${cy + ry * 0.65} ${cx + rx * 0.35} ${cy + ry * 0.45}" stroke="#8a3b32" stroke-width="${h * 0.03}" fill="none"/>` +
    // shoulders below the face
    `<path d="M ${cx - rx * 2.6} ${cy + ry * 3.2} Q ${cx - rx * 2.2} ${cy + ry * 1.3} ${cx} ${cy + ry * 1.2} Q ${cx + rx * 2.2} ${cy + ry * 1.3} ${cx + rx * 2.6} ${cy + ry * 3.2} Z" fill="#2f4f7f"/>`
  );
};

/** A bright, detailed flower (petals + centre). */
const flower = (cx: number, cy: number, r: number, petal = "#e23b4e") =>
  Array.from({ length: 10 }, (_, i) => {
    const a = (i * Math.PI) / 5;
    return `<ellipse cx="${cx + Math.cos(a) * r * 0.55}" cy="${cy + Math.sin(a) * r * 0.55}" rx="${r * 0.45}" ry="${r * 0.2}" transform="rotate(${(a * 180) / Math.PI} ${cx + Math.cos(a) * r * 0.55} ${cy + Math.sin(a) * r * 0.55})" fill="${petal}" stroke="#7a1020" stroke-width="3"/>`;
  }).join("") + `<circle cx="${cx}" cy="${cy}" r="${r * 0.25}" fill="#f2c230"/>` +
  Array.from({ length: 24 }, (_, i) => `<circle cx="${cx + Math.cos(i) * r * 0.15 * ((i % 3) / 2)}" cy="${cy + Math.sin(i) * r * 0.15 * ((i % 3) / 2)}" r="${r * 0.025}" fill="#6b3d0c"/>`).join("");

const svgPhoto = (w: number, h: number, body: string, grain = 0.07) =>
  sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs>${noise(grain)}` +
    `<linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#7fa7d4"/><stop offset="1" stop-color="#dfe7ee"/></linearGradient>` +
    `<linearGradient id="wall" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#c9c2b4"/><stop offset="1" stop-color="#e6e0d3"/></linearGradient>` +
    `<radialGradient id="bokeh"><stop offset="0" stop-color="#6f8f5a"/><stop offset="1" stop-color="#3d5233"/></radialGradient>` +
    `</defs>${body}<rect width="100%" height="100%" filter="url(#n)"/></svg>`))
    .jpeg({ quality: 90 })
    .toBuffer();

/**
 * Four to six photos shaped like the ones that lose their subject to a centre crop: portraits with the face near the
 * top, a flower off to one side, a person against a wall. Each mark is the subject's centre (a face: between the eyes).
 */
export async function markedPhotos(): Promise<MarkedPhoto[]> {
  return Promise.all([
    (async () => ({
      name: "portrait, face near the top, sky",
      jpeg: await svgPhoto(1200, 1600, `<rect width="100%" height="100%" fill="url(#sky)"/>${face(560, 330, 300)}`),
      mark: { x: 560 / 1200, y: 300 / 1600 },
    }))(),
    (async () => ({
      name: "portrait, face top-right, plain wall",
      jpeg: await svgPhoto(1200, 1600, `<rect width="100%" height="100%" fill="url(#wall)"/>${face(820, 360, 260, "#b57a55")}`),
      mark: { x: 820 / 1200, y: 335 / 1600 },
    }))(),
    (async () => ({
      name: "landscape, red flower left third, green bokeh",
      jpeg: await svgPhoto(1600, 1067, `<rect width="100%" height="100%" fill="url(#bokeh)"/><circle cx="1250" cy="300" r="120" fill="#7e9c66" opacity="0.5"/>${flower(420, 480, 230)}`, 0.05),
      mark: { x: 420 / 1600, y: 480 / 1067 },
    }))(),
    (async () => ({
      name: "portrait, yellow flower top-left, sky over dark ground",
      jpeg: await svgPhoto(1200, 1600, `<rect width="100%" height="100%" fill="url(#sky)"/><rect y="1150" width="1200" height="450" fill="#4a5a3a"/>${flower(330, 380, 200, "#f3d23a")}`),
      mark: { x: 330 / 1200, y: 380 / 1600 },
    }))(),
    (async () => ({
      name: "landscape, two faces right of centre, wall",
      jpeg: await svgPhoto(1600, 1067, `<rect width="100%" height="100%" fill="url(#wall)"/>${face(1080, 380, 240)}${face(1300, 420, 220, "#c48a66")}`),
      mark: { x: 1190 / 1600, y: 380 / 1067 },
    }))(),
  ]);
}
