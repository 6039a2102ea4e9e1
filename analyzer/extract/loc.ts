/**
 * Lines of code: lines holding something other than blanks and comments. One pass over the
 * characters that knows strings and template literals (so `'/*'` in a string is not a
 * comment); regular expression literals are not told apart from division, which at worst
 * miscounts a line that is code anyway.
 */
const enum State {
  Code,
  LineComment,
  BlockComment,
  SingleQuote,
  DoubleQuote,
  Template,
}

const isBlank = (code: number): boolean =>
  code === 32 || code === 9 || code === 13 || code === 11 || code === 12 || code === 0xfeff || code === 0xa0;

export function countLoc(text: string): number {
  let loc = 0;
  let state: State = State.Code;
  let lineHasCode = false;
  // Brace depth inside each open `${ … }` of a template literal.
  const templates: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) {
      if (lineHasCode) loc++;
      lineHasCode = false;
      if (state === State.LineComment || state === State.SingleQuote || state === State.DoubleQuote) state = State.Code;
      continue;
    }
    switch (state) {
      case State.LineComment:
        continue;
      case State.BlockComment:
        if (code === 42 && text.charCodeAt(i + 1) === 47) {
          state = State.Code;
          i++;
        }
        continue;
      case State.SingleQuote:
      case State.DoubleQuote:
        lineHasCode = true;
        if (code === 92) i++;
        else if (code === (state === State.SingleQuote ? 39 : 34)) state = State.Code;
        continue;
      case State.Template:
        if (!isBlank(code)) lineHasCode = true;
        if (code === 92) i++;
        else if (code === 96) state = State.Code;
        else if (code === 36 && text.charCodeAt(i + 1) === 123) {
          templates.push(0);
          state = State.Code;
          i++;
        }
        continue;
      case State.Code:
        if (code === 47) {
          const next = text.charCodeAt(i + 1);
          if (next === 47) {
            state = State.LineComment;
            i++;
            continue;
          }
          if (next === 42) {
            state = State.BlockComment;
            i++;
            continue;
          }
        }
        if (isBlank(code)) continue;
        lineHasCode = true;
        if (code === 39) state = State.SingleQuote;
        else if (code === 34) state = State.DoubleQuote;
        else if (code === 96) state = State.Template;
        else if (templates.length > 0 && code === 123) templates[templates.length - 1] = (templates.at(-1) ?? 0) + 1;
        else if (templates.length > 0 && code === 125) {
          const depth = templates.at(-1) ?? 0;
          if (depth === 0) {
            templates.pop();
            state = State.Template;
          } else templates[templates.length - 1] = depth - 1;
        }
    }
  }
  return lineHasCode ? loc + 1 : loc;
}
