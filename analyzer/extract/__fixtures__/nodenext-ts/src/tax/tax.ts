export interface Tax {
  rate: number;
}

export const TAX_VERSION = 1;
