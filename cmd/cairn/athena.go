package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cairnsec/cairn/report"
)

func newAthenaDDLCmd() *cobra.Command {
	var location, database string
	cmd := &cobra.Command{
		Use:   "athena-ddl",
		Short: "Print Athena CREATE TABLE statements (partition projection) for the history at an S3 location",
		Example: `  cairn athena-ddl --location s3://audit-bucket/cairn
  cairn athena-ddl --location s3://audit-bucket/cairn --database security_lake > cairn.sql`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if location == "" {
				return usageErr("--location is required (s3://bucket/prefix, as given to scan --out)")
			}
			loc, err := parseS3Location(location)
			if err != nil {
				return usageErr("--location: %w", err)
			}
			ddl, err := report.AthenaDDL(loc.String(), database)
			if err != nil {
				return usageErr("%w", err)
			}
			_, err = fmt.Fprint(cmd.OutOrStdout(), ddl)
			return err
		},
	}
	cmd.Flags().StringVar(&location, "location", "", "s3://bucket/prefix of the history (the scan's --out)")
	cmd.Flags().StringVar(&database, "database", "cairn", "Athena (Glue) database to create the tables in")
	return cmd
}
