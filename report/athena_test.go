package report

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// TestAthenaDDLMatchesParquetFiles parses the DDL's column list of every
// table and compares it with the schema in the footer of the files the
// HistoryWriter actually wrote, mapped to Hive types independently of
// TableColumns.
func TestAthenaDDLMatchesParquetFiles(t *testing.T) {
	dir := t.TempDir()
	w := writeSample(t, dir)
	ddl, err := AthenaDDL("s3://history-bucket/team/cairn/", "cairn")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)CREATE EXTERNAL TABLE IF NOT EXISTS `cairn`.`([a-z_]+)` \\((.*?)\\)\nPARTITIONED BY \\(`dt` string\\)\nSTORED AS PARQUET\nLOCATION '([^']+)'\nTBLPROPERTIES \\((.*?)\\);").
		FindAllStringSubmatch(ddl, -1)
	if len(blocks) != len(Tables()) {
		t.Fatalf("%d CREATE TABLE statements, want %d:\n%s", len(blocks), len(Tables()), ddl)
	}
	colRe := regexp.MustCompile("^\\s*`([a-z_0-9]+)` ([a-z<>]+),?$")
	for i, table := range Tables() {
		b := blocks[i]
		if b[1] != table {
			t.Fatalf("statement %d is for %s, want %s", i, b[1], table)
		}
		if want := "s3://history-bucket/team/cairn/" + table + "/"; b[3] != want {
			t.Errorf("%s: location %s, want %s", table, b[3], want)
		}
		for _, prop := range []string{"'projection.enabled' = 'true'", "'projection.dt.type' = 'date'",
			"'projection.dt.format' = 'yyyy-MM-dd'", "'storage.location.template' = 's3://history-bucket/team/cairn/" + table + "/dt=${dt}/'"} {
			if !strings.Contains(b[4], prop) {
				t.Errorf("%s: TBLPROPERTIES lack %s", table, prop)
			}
		}
		var ddlCols []string
		for _, line := range strings.Split(strings.TrimSpace(b[2]), "\n") {
			m := colRe.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("%s: column line %q", table, line)
			}
			ddlCols = append(ddlCols, m[1]+" "+m[2])
		}
		fileCols := fileHiveColumns(t, w.Files()[i])
		if strings.Join(ddlCols, ", ") != strings.Join(fileCols, ", ") {
			t.Errorf("%s:\n DDL  %q\n file %q", table, ddlCols, fileCols)
		}
	}
	for _, bad := range []string{"", "s3://", "/local/dir", "s3://b/it's"} {
		if _, err := AthenaDDL(bad, "cairn"); err == nil {
			t.Errorf("location %q accepted", bad)
		}
	}
	for _, bad := range []string{"Cairn-DB", "cairn-db", "", strings.Repeat("a", 256), "db\n"} {
		if _, err := AthenaDDL("s3://b/p", bad); err == nil {
			t.Errorf("invalid database name %q accepted", bad)
		}
	}
	for _, good := range []string{"cairn_db1", "_", strings.Repeat("a", 255)} {
		if _, err := AthenaDDL("s3://b/p", good); err != nil {
			t.Errorf("database name %q: %v", good, err)
		}
	}
}

// fileHiveColumns reads the footer schema of a Parquet file and maps each
// top-level column to the Hive type Athena would need.
func fileHiveColumns(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	schema := pf.Metadata().Schema
	var cols []string
	leaf := func(e format.SchemaElement) string {
		switch {
		case e.Type.V == format.ByteArray:
			if _, ok := e.LogicalType.Value.(*format.StringType); ok {
				return "string"
			}
			return "binary"
		case e.Type.V == format.Int64:
			if _, ok := e.LogicalType.Value.(*format.TimestampType); ok {
				return "timestamp"
			}
			return "bigint"
		case e.Type.V == format.Boolean:
			return "boolean"
		case e.Type.V == format.Double:
			return "double"
		}
		t.Fatalf("%s: unmapped type %v", e.Name, e.Type)
		return ""
	}
	for pos := 1; pos < len(schema); {
		e := schema[pos]
		if _, ok := e.LogicalType.Value.(*format.ListType); ok {
			cols = append(cols, e.Name+" array<"+leaf(schema[pos+2])+">")
			pos += 3
			continue
		}
		cols = append(cols, e.Name+" "+leaf(e))
		pos++
	}
	return cols
}
