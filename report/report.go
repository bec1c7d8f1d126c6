// Package report writes and reads Cairn's Parquet history and renders the
// PDF evidence report. It imports classifiers and configchecks for types only.
package report
