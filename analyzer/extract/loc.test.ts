import { describe, expect, it } from 'vitest';
import { countLoc } from './loc.js';

describe('countLoc', () => {
  it('counts lines with code, not blanks or comments', () => {
    const text = '// c\nconst a = 1;\n\n/* block\n still */\nconst b = 2; // trailing\n/* x */ const c = 3;\n   \n/** doc */\n';
    expect(countLoc(text)).toBe(3);
  });

  it('counts code after a block comment ends on the same line, and a last line without newline', () => {
    expect(countLoc('/* a\n b */ run();\nend()')).toBe(2);
  });

  it('does not take comment markers inside strings and templates for comments', () => {
    expect(countLoc('const glob = \'src/**/*.ts\';\nconst url = "http://x";\nconst t = `\n/* not a comment\n`;\n')).toBe(5);
  });

  it('follows template literal substitutions', () => {
    expect(countLoc('const a = `${x ? `${y}` : "}"}`;\n// after\nconst b = 1;')).toBe(2);
  });

  it('handles CRLF and an empty file', () => {
    expect(countLoc('a();\r\n\r\n// c\r\nb();\r\n')).toBe(2);
    expect(countLoc('')).toBe(0);
  });
});
