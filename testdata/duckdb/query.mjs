// Test-only reader: runs SQL over a Cairn Parquet history with DuckDB, an
// engine independent of parquet-go. Input (stdin, JSON):
//   {"dir": "/path/to/history", "tables": ["scans", …], "queries": {"name": "SQL", …}}
// Each table becomes a view over read_parquet(<dir>/<table>/*/*.parquet,
// hive_partitioning = true). Output (stdout, JSON): {"name": [row, …], …},
// rows as objects, values converted to JSON (bigint as number, dates and
// timestamps as ISO strings).
import { DuckDBInstance } from '@duckdb/node-api';

const input = JSON.parse(await new Promise((resolve) => {
  let s = '';
  process.stdin.on('data', (d) => { s += d; });
  process.stdin.on('end', () => resolve(s));
}));
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
for (const t of input.tables) {
  const glob = `${input.dir}/${t}/*/*.parquet`.replaceAll("'", "''");
  await conn.run(`CREATE VIEW ${t} AS SELECT * FROM read_parquet('${glob}', hive_partitioning = true)`);
}
const out = {};
for (const [name, sql] of Object.entries(input.queries)) {
  const reader = await conn.runAndReadAll(sql);
  out[name] = reader.getRowObjectsJson();
}
process.stdout.write(JSON.stringify(out));
