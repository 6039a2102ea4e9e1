/**
 * Hot reload from the config file. The folder is watched (editors replace files by
 * renaming, which would end a watch on the file itself); changes are debounced, read,
 * validated, and applied only when valid: a broken edit leaves the running config alone.
 */
import { watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ProxyConfig } from './config/schema.js';
import { loadProxyConfig } from './config/load.js';

export interface WatchHandlers {
  apply(config: ProxyConfig): void;
  onError(error: unknown): void;
}

export function watchConfigFile(path: string, handlers: WatchHandlers, debounceMs = 100): () => void {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  let last = '';
  const check = (): void => {
    timer = undefined;
    loadProxyConfig(path).then(
      (config) => {
        const text = JSON.stringify(config);
        if (text === last) return;
        last = text;
        handlers.apply(config);
      },
      (error: unknown) => handlers.onError(error),
    );
  };
  // The config in effect at start: a touch without changes is not a reload.
  loadProxyConfig(path).then(
    (config) => {
      last = JSON.stringify(config);
    },
    () => undefined,
  );
  const watcher = watch(dirname(path), (_event, file) => {
    if (file !== null && file !== name) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, debounceMs);
  });
  watcher.on('error', (error) => handlers.onError(error));
  return () => {
    if (timer) clearTimeout(timer);
    watcher.close();
  };
}
