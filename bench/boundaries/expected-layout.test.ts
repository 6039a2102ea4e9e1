import { describe, expect, it } from 'vitest';
import { foldersLayout, nestModulesLayout } from './expected-layout.js';

describe('expected partitions from a repository layout', () => {
  it('nest-modules: nearest folder with a *.module.ts; the root module folder and module-less files are shared', () => {
    const files = [
      'src/main.ts',
      'src/app.module.ts',
      'src/app.controller.ts',
      'src/user/user.module.ts',
      'src/user/user.service.ts',
      'src/user/dto/create-user.dto.ts',
      'src/user/settings/settings.module.ts',
      'src/user/settings/settings.service.ts',
      'src/guards/auth.guard.ts',
    ];
    expect(Object.fromEntries(nestModulesLayout(files))).toEqual({
      'src/main.ts': 'shared',
      'src/app.module.ts': 'shared',
      'src/app.controller.ts': 'shared',
      'src/user/user.module.ts': 'src/user',
      'src/user/user.service.ts': 'src/user',
      'src/user/dto/create-user.dto.ts': 'src/user',
      'src/user/settings/settings.module.ts': 'src/user/settings',
      'src/user/settings/settings.service.ts': 'src/user/settings',
      'src/guards/auth.guard.ts': 'shared',
    });
  });

  it('folders: the first folder holding files below container folders; files in containers are shared', () => {
    const files = ['src/index.ts', 'src/modules/orders/a.ts', 'src/modules/orders/deep/b.ts', 'src/modules/users/c.ts', 'src/lib/d.ts'];
    expect(Object.fromEntries(foldersLayout(files))).toEqual({
      'src/index.ts': 'shared',
      'src/modules/orders/a.ts': 'src/modules/orders',
      'src/modules/orders/deep/b.ts': 'src/modules/orders',
      'src/modules/users/c.ts': 'src/modules/users',
      'src/lib/d.ts': 'src/lib',
    });
  });
});
