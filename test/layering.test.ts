import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * "SQL lives in repositories" (docs/architecture.md, Layers): services hold the rules and routes
 * the HTTP mapping; neither talks to the database except through a repository (a service may run
 * db.transaction and hand the tx to repositories). Files are read as TypeScript, so comments and
 * prose never count: what counts is a call of `.query(`/`.exec(`, an import of the `one`/`many`
 * helpers, or a string or template whose text is a SQL statement.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Statements and the fragments services once built them from (WHERE clauses, conditions on a
 * column, casts of parameters), upper case as this code base writes SQL; prose such as
 * "DELETE /api/x" or "select a pool from the list" matches none of them.
 */
const SQL: RegExp[] = [
  /^\s*SELECT\b/,
  /\bSELECT\s[\s\S]*\bFROM\s+[a-z_(]/,
  /\bINSERT\s+INTO\s/,
  /\bUPDATE\s+[a-z_][\w.]*\s+(?:[a-z_]\w*\s+)?(?:SET\b|\$\{)/,
  /\bDELETE\s+FROM\s/,
  /\bWITH\s+[a-z_]\w*\s+AS\s*\(/,
  /\bON\s+CONFLICT\b/,
  /\bWHERE\s+\(?[a-z_][\w.]*\s*(?:=|<>|<=|>=|<|>|IN\b|IS\b|LIKE\b|ILIKE\b)/,
  /\b[a-z_]\w*\.[a-z_]\w*\s*(?:=|<>|<=|>=|<|>|LIKE|ILIKE|IN)\s*(?:\$\d|\$\{|\()/,
  /\b[a-z_][\w.]*\s+IS\s+(?:NOT\s+)?NULL\b/,
  /\$\d+::[a-z]/,
  /\b[a-z_]\w*::(?:jsonb|bigint|timestamptz|text|int|integer|numeric)\b/,
];

/** Where a source file talks to the database itself: "line: what", empty when it does not. */
export function sqlFindings(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) =>
    found.push(`${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${what}`);

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const { name, expression: receiver } = node.expression;
      // Db.query on anything; Db.exec on a database or transaction (a RegExp's exec is no SQL).
      if (name.text === 'query' || (name.text === 'exec' && /\b(db|tx)$/i.test(receiver.getText(source))))
        at(node, `${node.expression.getText(source)}(…) call`);
    }
    if (
      ts.isImportDeclaration(node) &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      /\/db\/db\.js$/.test(node.moduleSpecifier.text)
    ) {
      const bindings = node.importClause?.namedBindings;
      if (!node.importClause?.isTypeOnly && bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements)
          if (!el.isTypeOnly && ['one', 'many'].includes((el.propertyName ?? el.name).text))
            at(el, `imports ${el.name.text} (the query helpers) from db.js`);
      }
    }
    let literal: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) literal = node.text;
    if (ts.isTemplateExpression(node))
      literal = [node.head.text, ...node.templateSpans.map((s) => '${…}' + s.literal.text)].join('');
    if (literal !== undefined && SQL.some((re) => re.test(literal))) {
      at(node, `SQL in a string: ${literal.replace(/\s+/g, ' ').trim().slice(0, 60)}`);
      return; // a template's parts are not looked at again
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function layerFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return layerFiles(p);
    return /\.(service|routes)\.ts$/.test(e.name) ? [p] : [];
  });
}

describe('SQL lives in repositories', () => {
  test('no service or routes file under src/ runs or holds SQL', () => {
    const files = layerFiles(join(ROOT, 'src'));
    assert.ok(files.length > 20, `found only ${files.length} service and routes files`);
    const offenders = files.flatMap((f) =>
      sqlFindings(f, readFileSync(f, 'utf8')).map((x) => `${relative(ROOT, f)}:${x}`),
    );
    assert.deepEqual(offenders, [], 'move these statements into the module’s *.repo.ts');
  });

  test('the check finds SQL in calls, imports, strings and templates', () => {
    const code = `
      import { one, type Db } from '../db/db.js';
      const a = await db.query('SELECT 1');
      const b = await one(tx, \`SELECT id FROM users WHERE id = $1\`, [id]);
      await tx.query(\`UPDATE did_requests SET status = 'approved' WHERE id = $1\`, [id]);
      const c = \`UPDATE callerid_pools \${set} WHERE id = \${p.add(id)}\`;
      const d = 'INSERT INTO notifications (user_id) VALUES ($1)';
      const e = \`DELETE FROM campaigns WHERE id = \${x}\`;
      const f = \`WITH x AS (SELECT 1) SELECT * FROM x\`;
      const g = \`\${SELECT} WHERE lc.state IN (\${OPEN})\`;
      const h = 'x ON CONFLICT (key) DO NOTHING';
      await deps.db.exec(script, tx);
      where.push(\`c.seller_id = \${p.add(seller)}\`);
      where.push('read_at IS NULL');
      const cols = { meta: 'meta::jsonb' };
    `;
    const lines = sqlFindings('sample.service.ts', code).map((f) => Number(f.split(':')[0]));
    assert.deepEqual([...new Set(lines)], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });

  test('comments, prose and type-only imports are not SQL', () => {
    const code = `
      import type { Db, Queryable } from '../db/db.js';
      import { type Queryable as Q } from '../db/db.js';
      // SELECT id FROM calls WHERE the caller is known; UPDATE calls SET nothing here.
      /** DELETE FROM campaigns is refused while calls run: INSERT INTO is for repos. */
      const doc = { description: 'DELETE /api/reservation/{id} releases it early' };
      const msg = \`select a pool from the list, then update the number\`;
      const err = 'the request is already approved; SELECT another one';
      const q = req.query;
      const token = /^Bearer (.+)$/i.exec(header)?.[1];
      await db.transaction(async (tx) => repo(tx).approve(id));
    `;
    assert.deepEqual(sqlFindings('sample.routes.ts', code), []);
  });
});
