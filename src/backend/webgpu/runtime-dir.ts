/**
 * A private XDG_RUNTIME_DIR for Node and Deno on Linux. Without one (containers, CI, ssh without a
 * login session) the Wayland probe inside the Vulkan loader prints "error: XDG_RUNTIME_DIR is
 * invalid or not set in the environment." once per probe: harmless, but it reads like a failure.
 * A login session would provide the directory; here it is made the same way (owned by this user,
 * mode 0700), reused across runs, and set before the GPU library loads the Vulkan loader.
 */

/** The file-system calls the choice needs, from Node's node:fs or from Deno. */
interface Host {
  tmpdir: string;
  /** This user's id, or null when it cannot be known. */
  uid: number | null;
  mkdir(path: string): void;
  lstat(path: string): { isDirectory: boolean; isSymlink: boolean; uid: number | null; mode: number | null };
  mkdtemp(prefix: string): string;
}

const NAME = 'webgpu-tensor-runtime';

/** The directory to use: the shared per-user one when it is ours and private, else a fresh one. */
function choose(h: Host): string {
  const join = (name: string): string => `${h.tmpdir.replace(/\/+$/, '')}/${name}`;
  if (h.uid !== null) {
    const dir = join(`${NAME}-${h.uid}`);
    try {
      h.mkdir(dir);
    } catch {
      // Already there (or not creatable): the checks below decide.
    }
    try {
      // lstat: a symlink planted by another user is not followed.
      const st = h.lstat(dir);
      if (st.isDirectory && !st.isSymlink && st.uid === h.uid && st.mode !== null && (st.mode & 0o077) === 0) return dir;
    } catch {
      // Fall through to a fresh directory.
    }
  }
  return h.mkdtemp(join(`${NAME}-`));
}

/** Node: set process.env.XDG_RUNTIME_DIR unless it already holds an absolute path. */
export async function nodeRuntimeDir(env: Record<string, string | undefined>, platform: string | undefined): Promise<void> {
  if (platform !== 'linux' || env['XDG_RUNTIME_DIR']?.startsWith('/')) return;
  try {
    // Specifiers in variables: bundlers leave them alone, and this runs only in Node.
    const fsName = 'node:fs';
    const osName = 'node:os';
    const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs');
    const os = (await import(/* @vite-ignore */ osName)) as typeof import('node:os');
    const uid = typeof process.getuid === 'function' ? process.getuid() : null;
    env['XDG_RUNTIME_DIR'] = choose({
      tmpdir: os.tmpdir(),
      uid,
      mkdir: (p) => fs.mkdirSync(p, { mode: 0o700 }),
      lstat: (p) => {
        const st = fs.lstatSync(p);
        return { isDirectory: st.isDirectory(), isSymlink: st.isSymbolicLink(), uid: st.uid, mode: st.mode };
      },
      mkdtemp: (prefix) => fs.mkdtempSync(prefix),
    });
  } catch {
    // An unwritable temp directory: the loader prints its line, nothing worse.
  }
}

interface DenoApi {
  build: { os: string };
  env: { get(k: string): string | undefined; set(k: string, v: string): void };
  permissions: { querySync(d: { name: string; path?: string; variable?: string; kind?: string }): { state: string } };
  uid(): number | null;
  mkdirSync(p: string, o: { mode: number }): void;
  lstatSync(p: string): { isDirectory: boolean; isSymlink: boolean; uid: number | null; mode: number | null };
  makeTempDirSync(o: { dir: string; prefix: string }): string;
}

/**
 * Deno: the same, through Deno's API, and only when the permissions it needs are already granted
 * (asking would stop the program at a prompt). wgpu reads the variable when an adapter is requested.
 */
export function denoRuntimeDir(deno: DenoApi): void {
  try {
    if (deno.build.os !== 'linux') return;
    const granted = (d: { name: string; path?: string; variable?: string; kind?: string }): boolean => deno.permissions.querySync(d).state === 'granted';
    if (!granted({ name: 'env' })) return;
    if (deno.env.get('XDG_RUNTIME_DIR')?.startsWith('/')) return;
    const tmpdir = deno.env.get('TMPDIR') || '/tmp';
    if (!granted({ name: 'read', path: tmpdir }) || !granted({ name: 'write', path: tmpdir })) return;
    const uid = granted({ name: 'sys', kind: 'uid' }) ? deno.uid() : null;
    deno.env.set('XDG_RUNTIME_DIR', choose({
      tmpdir,
      uid,
      mkdir: (p) => deno.mkdirSync(p, { mode: 0o700 }),
      lstat: (p) => deno.lstatSync(p),
      mkdtemp: (prefix) => {
        const slash = prefix.lastIndexOf('/');
        return deno.makeTempDirSync({ dir: prefix.slice(0, slash), prefix: prefix.slice(slash + 1) });
      },
    }));
  } catch {
    // Without it the loader prints its line, nothing worse.
  }
}
