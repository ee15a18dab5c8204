// Reads what the plugin READMEs tell an adopter to do: their fenced code blocks with a title,
// e.g. ```ts title="packages/backend/src/index.ts"```. The adopter test runs those blocks, so a
// step missing from a README fails the test instead of an adopter's install.
import { readFileSync } from 'node:fs';

const FENCE = /^```(\w+)?(?:\s+title="([^"]+)")?\s*$/;

/** Every titled code block of a Markdown file: title → content. */
export function titledBlocks(path) {
  const blocks = new Map();
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const body = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]);
    if (open[2]) blocks.set(open[2], body.join('\n'));
  }
  return blocks;
}

/** The block titled `title`, or an error that says which README lacks which step. */
export function block(path, blocks, title) {
  const content = blocks.get(title);
  if (content === undefined) {
    throw new Error(
      `${path} has no code block titled "${title}": an adopter would miss that step`,
    );
  }
  return content;
}

/** The one command of an install block that names `packageName`. */
export function installCommand(path, blocks, title, packageName) {
  const command = block(path, blocks, title)
    .split('\n')
    .find(line => line.includes(packageName));
  if (!command) {
    throw new Error(
      `${path}: the "${title}" block does not install ${packageName}`,
    );
  }
  return command.trim();
}
