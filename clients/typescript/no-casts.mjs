// Fails when a file uses a non-null assertion (`x!`) or a cast (`x as T`, `<T>x`):
// examples/strict.ts must show that the generated types need neither.
import { readFileSync } from "node:fs";
import ts from "typescript";

let found = 0;
for (const file of process.argv.slice(2)) {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    const kind = ts.isNonNullExpression(node)
      ? "non-null assertion"
      : ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)
        ? "cast"
        : null;
    if (kind) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      console.error(`${file}:${line + 1}: ${kind}: ${node.getText()}`);
      found += 1;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
process.exit(found ? 1 : 0);
