package main

import (
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"strconv"
	"strings"

	"github.com/cairnsec/cairn/report"
)

// shardSpec is --shard I/N: this process runs shard Index of Count.
type shardSpec struct {
	Index, Count int
}

// String is the spec as on the command line ("2/4"); the zero spec (no
// --shard) is "".
func (s shardSpec) String() string {
	if s.Count == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// sharded reports whether the run is one part of several.
func (s shardSpec) sharded() bool { return s.Count > 1 }

// Environment variables a job array sets to tell each child its index.
const (
	envK8sIndex   = "JOB_COMPLETION_INDEX"      // Kubernetes Indexed Job
	envBatchIndex = "AWS_BATCH_JOB_ARRAY_INDEX" // AWS Batch array job
	envRunID      = "CAIRN_RUN_ID"
	envBatchJobID = "AWS_BATCH_JOB_ID" // "parentid:index" in an array child
)

// parseShard parses --shard I/N (0 ≤ I < N) or auto/N, where the index comes
// from JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs) or, failing that,
// AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array jobs), as getenv returns them.
func parseShard(v string, getenv func(string) string) (shardSpec, error) {
	idx, cnt, ok := strings.Cut(v, "/")
	if !ok {
		return shardSpec{}, fmt.Errorf("--shard: want I/N or auto/N, got %q", v)
	}
	n, err := strconv.Atoi(cnt)
	if err != nil || n < 1 {
		return shardSpec{}, fmt.Errorf("--shard: N must be a positive number, got %q", cnt)
	}
	if idx == "auto" {
		name := envK8sIndex
		idx = getenv(name)
		if idx == "" {
			name = envBatchIndex
			idx = getenv(name)
		}
		if idx == "" {
			return shardSpec{}, fmt.Errorf("--shard auto/%d: neither %s nor %s is set", n, envK8sIndex, envBatchIndex)
		}
		i, err := strconv.Atoi(idx)
		if err != nil || i < 0 || i >= n {
			return shardSpec{}, fmt.Errorf("--shard auto/%d: %s=%q is not an index in [0, %d)", n, name, idx, n)
		}
		return shardSpec{Index: i, Count: n}, nil
	}
	i, err := strconv.Atoi(idx)
	if err != nil || i < 0 || i >= n {
		return shardSpec{}, fmt.Errorf("--shard: I must be in [0, %d), got %q", n, idx)
	}
	return shardSpec{Index: i, Count: n}, nil
}

// validScanID reports whether id may be a scan id or a run id: a name
// report accepts for history files, at most 128 bytes so that a part
// suffix (-s3of4, -r2) still fits. newScanID's ids are valid.
func validScanID(id string) bool {
	return len(id) <= 128 && report.ValidScanID(id)
}

// resolveRunID returns the run id of a sharded scan: --run-id, else
// CAIRN_RUN_ID, else the job id of an AWS Batch array job (AWS_BATCH_JOB_ID
// of a child is "parentid:index"; the parent id is shared by every child).
// Every shard of a run must get the same id: without one there is no way
// to agree on it, so it is an error.
func resolveRunID(flag string, getenv func(string) string) (string, error) {
	id := flag
	src := "--run-id"
	if id == "" {
		id, src = getenv(envRunID), envRunID
	}
	if id == "" {
		if job := getenv(envBatchJobID); job != "" {
			id, _, _ = strings.Cut(job, ":")
			src = envBatchJobID
		}
	}
	if id == "" {
		return "", errors.New("--shard needs a run id shared by every shard: --run-id, " + envRunID + " or (AWS Batch) " + envBatchJobID)
	}
	if err := checkRunID(src, id); err != nil {
		return "", err
	}
	return id, nil
}

// checkRunID says why id, given by src, cannot be a run id.
func checkRunID(src, id string) error {
	if !validScanID(id) {
		return fmt.Errorf("%s: run id %q: want 1 to 128 letters, digits, '.', '_' or '-', not starting with '.'", src, id)
	}
	return nil
}

// shardOf is the shard, of n, that runs unit u: a hash of the unit's key,
// so a unit's shard depends on nothing but the unit itself, and shards that
// recompute the plan agree on the split even if their plans differ by a store.
func shardOf(u workUnit, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(u.key()))
	return int(h.Sum64() % uint64(n))
}

// shardUnits returns the units of plan that shard s runs, in plan order.
func shardUnits(plan []workUnit, s shardSpec) []workUnit {
	if !s.sharded() {
		return plan
	}
	var out []workUnit
	for _, u := range plan {
		if shardOf(u, s.Count) == s.Index {
			out = append(out, u)
		}
	}
	return out
}

// shardFileName is the file name (without .parquet) of a shard's history
// files: <run_id>-s<I>of<N>, so the shards of a run never write the same
// file and report finds them all by the run id.
func shardFileName(runID string, s shardSpec) string {
	if !s.sharded() {
		return runID
	}
	return fmt.Sprintf("%s-s%dof%d", runID, s.Index, s.Count)
}

// osGetenv is os.Getenv, as the getenv argument of parseShard and resolveRunID.
var osGetenv = os.Getenv
