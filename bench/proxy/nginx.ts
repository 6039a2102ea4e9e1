/**
 * nginx as the reference reverse proxy: Debian's /usr/sbin/nginx with a config and prefix
 * of our own under bench/.work/, in the foreground (`daemon off`) as our child, one worker
 * process (the same one core our proxy gets), keep-alive to the upstream
 * (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#keepalive: `keepalive`
 * needs `proxy_http_version 1.1` and an empty `Connection` header).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, waitForPort, type Running } from './processes.js';

export const NGINX = '/usr/sbin/nginx';

export function nginxAvailable(): boolean {
  return existsSync(NGINX);
}

export async function startNginx(workDir: string, port: number, upstreamPort: number): Promise<Running> {
  const prefix = join(workDir, 'nginx');
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const conf = join(prefix, 'nginx.conf');
  const user = process.getuid?.() === 0 ? 'user root root;\n' : '';
  writeFileSync(
    conf,
    `${user}daemon off;
worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs', 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, 'client_body')};
  proxy_temp_path ${join(prefix, 'proxy')};
  fastcgi_temp_path ${join(prefix, 'fastcgi')};
  uwsgi_temp_path ${join(prefix, 'uwsgi')};
  scgi_temp_path ${join(prefix, 'scgi')};
  keepalive_requests 100000;
  upstream app {
    server 127.0.0.1:${upstreamPort};
    keepalive 128;
    keepalive_requests 100000;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # What our proxy does on every request too (X-Forwarded-*), so both do the same work.
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_buffers 16 64k;
      proxy_max_temp_file_size 0;
    }
  }
}
`,
  );
  const running = start('nginx', NGINX, ['-p', prefix, '-c', conf, '-e', join(prefix, 'logs', 'error.log')]);
  await waitForPort(running, port);
  return running;
}
