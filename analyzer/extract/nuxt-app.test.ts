import { describe, expect, it } from 'vitest';
import { nuxtAppFiles } from './nuxt-app.js';

describe('nuxtAppFiles', () => {
  it('takes app/ beside nuxt.config (Nuxt 4), or the folders Nuxt reads without one, never server/', () => {
    expect(
      nuxtAppFiles([
        'nuxt.config.ts',
        'app/app.config.ts',
        'app/middleware/auth.ts',
        'app/queries/todos.ts',
        'server/api/todos.get.ts',
        'server/utils/db.ts',
        'shared/types.ts',
      ]),
    ).toEqual(['app/app.config.ts', 'app/middleware/auth.ts', 'app/queries/todos.ts']);
    expect(
      nuxtAppFiles([
        'web/nuxt.config.js',
        'web/composables/useCart.ts',
        'web/stores/cart.ts',
        'web/server/api/cart.ts',
        'web/lib/money.ts',
        'api/src/main.ts',
      ]),
    ).toEqual(['web/composables/useCart.ts', 'web/stores/cart.ts']);
  });

  it('takes nothing without a nuxt.config', () => {
    expect(nuxtAppFiles(['app/main.ts', 'pages/index.ts', 'composables/a.ts'])).toEqual([]);
  });
});
