export const slugify = (text) => text.toLowerCase();
