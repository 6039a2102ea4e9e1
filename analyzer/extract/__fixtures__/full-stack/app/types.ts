export interface Theme { color: string }
