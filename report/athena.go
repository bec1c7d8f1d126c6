package report

import (
	"fmt"
	"strings"
	"sync"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// tableSchemas maps each table of Tables to the Parquet schema of its row
// type: the same schema the HistoryWriter writes. Built on first use, not
// at start-up: reflecting over the row types took 4 ms of every command's
// start, `cairn classify`'s included, which writes no Parquet.
var tableSchemas = sync.OnceValue(func() map[string]*parquet.Schema {
	return map[string]*parquet.Schema{
		TableScans:          parquet.SchemaOf(ScanRow{}),
		TableAssets:         parquet.SchemaOf(AssetRow{}),
		TableObjectResults:  parquet.SchemaOf(ObjectResultRow{}),
		TableFindings:       parquet.SchemaOf(FindingRow{}),
		TableControlResults: parquet.SchemaOf(ControlResultRow{}),
		TableExposures:      parquet.SchemaOf(ExposureRow{}),
	}
})

// TableSchema returns the Parquet schema of table's files, or nil for an
// unknown table.
func TableSchema(table string) *parquet.Schema { return tableSchemas()[table] }

// Column is one column of a table as Athena (Hive DDL) declares it.
type Column struct {
	Name string
	Type string // string, bigint, boolean, double, timestamp, array<string>, …
}

// TableColumns returns table's columns with their Athena types, derived
// from the Parquet schema of its row type, in file order.
func TableColumns(table string) ([]Column, error) {
	s := tableSchemas()[table]
	if s == nil {
		return nil, fmt.Errorf("report: unknown table %q", table)
	}
	var cols []Column
	for _, f := range s.Fields() {
		typ, err := hiveType(f)
		if err != nil {
			return nil, fmt.Errorf("report: table %s column %s: %w", table, f.Name(), err)
		}
		cols = append(cols, Column{Name: f.Name(), Type: typ})
	}
	return cols, nil
}

// hiveType maps a Parquet node to the Hive type Athena reads it as.
func hiveType(n parquet.Node) (string, error) {
	var lt any
	if l := n.Type().LogicalType(); l != nil {
		lt = l.Value
	}
	if _, ok := lt.(*format.ListType); ok {
		// 3-level LIST: group (LIST) { repeated group list { element } }.
		if len(n.Fields()) != 1 || len(n.Fields()[0].Fields()) != 1 {
			return "", fmt.Errorf("malformed LIST")
		}
		elem, err := hiveType(n.Fields()[0].Fields()[0])
		if err != nil {
			return "", err
		}
		return "array<" + elem + ">", nil
	}
	if !n.Leaf() {
		return "", fmt.Errorf("groups other than LIST are not mapped")
	}
	switch n.Type().Kind() {
	case parquet.ByteArray:
		if _, ok := lt.(*format.StringType); ok {
			return "string", nil
		}
		return "binary", nil
	case parquet.Int64:
		if _, ok := lt.(*format.TimestampType); ok {
			return "timestamp", nil
		}
		return "bigint", nil
	case parquet.Int32:
		return "int", nil
	case parquet.Boolean:
		return "boolean", nil
	case parquet.Double:
		return "double", nil
	case parquet.Float:
		return "float", nil
	}
	return "", fmt.Errorf("parquet type %v is not mapped", n.Type())
}

// ProjectionStart is the first day partition projection enumerates. Scans
// of earlier days are not visible to Athena.
const ProjectionStart = "2020-01-01"

// validDatabaseName reports whether name is 1 to 255 lowercase letters,
// digits and underscores: an Athena database name that needs no quoting.
func validDatabaseName(name string) bool {
	if name == "" || len(name) > 255 {
		return false
	}
	for i := range len(name) {
		if c := name[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// AthenaDDL returns the statements that declare the history at location
// (s3://bucket/prefix) in Athena: CREATE DATABASE and one CREATE EXTERNAL
// TABLE per table, each partitioned by dt with partition projection, so no
// crawler or MSCK REPAIR is needed. Column types come from the row types'
// Parquet schemas.
func AthenaDDL(location, database string) (string, error) {
	if !strings.HasPrefix(location, "s3://") || len(strings.TrimRight(location, "/")) <= len("s3://") ||
		strings.ContainsAny(location, "'\\\n") {
		return "", fmt.Errorf("report: athena ddl: location %q: want s3://bucket/prefix", location)
	}
	if !validDatabaseName(database) {
		return "", fmt.Errorf("report: athena ddl: database %q: want lowercase letters, digits and _", database)
	}
	location = strings.TrimRight(location, "/")
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE DATABASE IF NOT EXISTS `%s`;\n", database)
	for _, table := range Tables() {
		cols, err := TableColumns(table)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "\nCREATE EXTERNAL TABLE IF NOT EXISTS `%s`.`%s` (\n", database, table)
		for i, c := range cols {
			sep := ","
			if i == len(cols)-1 {
				sep = ""
			}
			fmt.Fprintf(&b, "  `%s` %s%s\n", c.Name, c.Type, sep)
		}
		loc := location + "/" + table + "/"
		fmt.Fprintf(&b, ")\nPARTITIONED BY (`%s` string)\nSTORED AS PARQUET\nLOCATION '%s'\nTBLPROPERTIES (\n", PartitionKey, loc)
		props := [][2]string{
			{"projection.enabled", "true"},
			{"projection." + PartitionKey + ".type", "date"},
			{"projection." + PartitionKey + ".format", "yyyy-MM-dd"},
			{"projection." + PartitionKey + ".range", ProjectionStart + ",NOW"},
			{"projection." + PartitionKey + ".interval", "1"},
			{"projection." + PartitionKey + ".interval.unit", "DAYS"},
			{"storage.location.template", loc + PartitionKey + "=${" + PartitionKey + "}/"},
			{"parquet.compression", "ZSTD"},
		}
		for i, p := range props {
			sep := ","
			if i == len(props)-1 {
				sep = ""
			}
			fmt.Fprintf(&b, "  '%s' = '%s'%s\n", p[0], p[1], sep)
		}
		b.WriteString(");\n")
	}
	return b.String(), nil
}
