import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { btree_gin } from "@electric-sql/pglite/contrib/btree_gin";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

/*
 * A new PGlite cluster runs initdb inside WebAssembly: 5-15 s on a small, busy machine. Loading a tarball of an
 * empty, freshly initialised cluster takes 1-3 s, so the first such cluster on this machine is kept as a template
 * in the temp directory (keyed by the PGlite version, which fixes the on-disk format) and later fresh clusters
 * (in memory, or an empty data directory) start from it. A missing or unusable template only costs the slow path.
 */
const PGLITE_VERSION = "0.5.14"; // keep in step with package.json (pinned exactly)
const templateFile = () => path.join(tmpdir(), `photoreel-pglite-${PGLITE_VERSION}-template.tar.gz`);

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch {
    return true;
  }
}

async function readTemplate(): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(templateFile())]);
  } catch {
    return undefined;
  }
}

async function saveTemplate(db: PGlite): Promise<void> {
  try {
    const dump = await db.dumpDataDir("gzip");
    const tmp = `${templateFile()}.${randomBytes(6).toString("hex")}`;
    await writeFile(tmp, Buffer.from(await dump.arrayBuffer()));
    await rename(tmp, templateFile()); // atomic: concurrent starts never read a half-written template
  } catch {
    // Only an optimisation.
  }
}

/** The PostgreSQL extensions the migrations create (photo search), which PGlite loads only when asked. */
export const PGLITE_EXTENSIONS = { btree_gin, pg_trgm } satisfies PGliteOptions["extensions"];

/** Opens (or creates) the cluster; `dir` undefined means in memory. */
export async function openPglite(dir: string | undefined): Promise<PGlite> {
  const fresh = dir === undefined || (await isEmptyDir(dir));
  const extensions = PGLITE_EXTENSIONS;
  if (!fresh) return PGlite.create(dir, { extensions });

  const template = await readTemplate();
  if (template) {
    try {
      return dir === undefined ? await PGlite.create({ loadDataDir: template, extensions }) : await PGlite.create(dir, { loadDataDir: template, extensions });
    } catch {
      await rm(templateFile(), { force: true });
      if (dir !== undefined) {
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
      }
    }
  }
  const db = dir === undefined ? await PGlite.create({ extensions }) : await PGlite.create(dir, { extensions });
  await saveTemplate(db); // before anything is written to it
  return db;
}
