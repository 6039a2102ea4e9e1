export const sample = 'kept: fixtures are code the team maintains';
