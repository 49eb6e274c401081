import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { StartupError } from "./ports";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
};

/** Directories this process holds: its own pid in a lock file means "held here" only if it is in this set. */
const held = new Set<string>();

/**
 * One embedded stack per data directory: two PGlite instances on one cluster directory corrupt it. A lock file
 * holds the owner's process id; a lock left by a process that is gone (killed with -9) is taken over.
 * Returns the function that releases it.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, "stack.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: "wx" });
      held.add(file);
      return async () => {
        held.delete(file);
        await rm(file, { force: true });
      };
    } catch (e) {
      if ((e as { code?: string }).code !== "EEXIST") throw e;
      const owner = Number((await readFile(file, "utf8").catch(() => "")).trim());
      // Our own pid in a lock this process does not hold was left by an earlier life of this pid (a container's pid 1).
      const live = owner === process.pid ? held.has(file) : Number.isInteger(owner) && owner > 0 && alive(owner);
      if (live) {
        const rel = path.relative(process.cwd(), dataDir);
        const dir = rel && !rel.startsWith("..") ? rel : dataDir;
        throw new StartupError(
          `photoreel is already running on the data in ${dir} (process ${owner}); to run a second copy beside it, give it its own data folder, e.g. DATA_DIR=${dir}-2 bash scripts/start.sh`,
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new StartupError(`Could not lock the data folder ${dataDir}; another photoreel may be starting on it, try again in a moment.`);
}
