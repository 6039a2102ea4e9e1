export const slug = (text) => text.replace(/\s+/g, '-');
