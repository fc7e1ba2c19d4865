import { watch } from 'chokidar';

export interface ConfigWatcher {
  close(): Promise<void>;
}

const CONFIG_FILE = /\.ya?ml$/i;

/**
 * Calls `onChange` once the config directory has been quiet for `debounceMs` after a change to a
 * YAML file anywhere below it. Editors and deploy tools write several files (and temp files) in a
 * burst; one reload after the burst sees the whole new config instead of a half-written one.
 */
export async function watchConfigDir(
  dir: string,
  onChange: () => void,
  options: { debounceMs: number },
): Promise<ConfigWatcher> {
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dir, { ignoreInitial: true, persistent: true });
  watcher.on('all', (event, path) => {
    const relevant = event === 'addDir' || event === 'unlinkDir' || CONFIG_FILE.test(path);
    if (!relevant) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onChange();
    }, options.debounceMs);
  });
  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', () => resolve());
    watcher.once('error', reject);
  });
  return {
    close: async () => {
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
