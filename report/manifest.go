package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ManifestFormat identifies the evidence manifest's JSON layout.
const ManifestFormat = "cairn-evidence-manifest/1"

// ManifestSuffix is appended to a report's file name to name its manifest
// (report.pdf → report.pdf.evidence.json).
const ManifestSuffix = ".evidence.json"

// ManifestAttachment is the file name of the manifest embedded in the PDF.
const ManifestAttachment = "evidence-manifest.json"

// EvidenceManifest lists the history files a report rests on, with their
// SHA-256, so that `cairn verify` can later show the history is unchanged
// without the PDF. Paths are relative to the history root, slash-separated.
type EvidenceManifest struct {
	Format      string         `json:"format"`
	Title       string         `json:"title"`
	Accounts    []string       `json:"accounts"`
	From        string         `json:"from"`
	To          string         `json:"to"`
	GeneratedAt time.Time      `json:"generated_at"`
	Files       []EvidenceFile `json:"files"`
}

// Manifest returns the evidence manifest of r.
func (r *AuditReport) Manifest() EvidenceManifest {
	return EvidenceManifest{
		Format: ManifestFormat, Title: r.Title, Accounts: r.Cover.Accounts,
		From: r.Cover.From, To: r.Cover.To, GeneratedAt: r.Cover.GeneratedAt, Files: r.Evidence,
	}
}

// JSON encodes m, indented, ending in a newline. The encoding is
// deterministic.
func (m EvidenceManifest) JSON() []byte {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil { // plain strings, ints and a time: cannot happen
		panic(fmt.Sprintf("report: encode manifest: %v", err))
	}
	return append(b, '\n')
}

// ReadManifest reads an evidence manifest file.
func ReadManifest(path string) (EvidenceManifest, error) {
	var m EvidenceManifest
	b, err := os.ReadFile(path)
	if err != nil {
		return m, fmt.Errorf("report: read manifest: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("report: read manifest %s: %w", path, err)
	}
	if m.Format != ManifestFormat {
		return m, fmt.Errorf("report: read manifest %s: format %q, want %q", path, m.Format, ManifestFormat)
	}
	return m, nil
}

// EvidenceProblem is one file of a manifest that does not check out.
type EvidenceProblem struct {
	Path string
	// Problem is "missing", "modified", "unsafe path" or "unreadable".
	Problem string
	Detail  string
}

func (p EvidenceProblem) String() string {
	if p.Detail == "" {
		return p.Path + ": " + p.Problem
	}
	return p.Path + ": " + p.Problem + " (" + p.Detail + ")"
}

// VerifyEvidence rehashes every file of m under root and returns those that
// are missing or whose SHA-256 differs, in manifest order. A path that is
// absolute or leaves root is reported as unsafe, never opened.
func VerifyEvidence(root string, m EvidenceManifest) []EvidenceProblem {
	var out []EvidenceProblem
	for _, f := range m.Files {
		local := filepath.FromSlash(f.Path)
		if !filepath.IsLocal(local) {
			out = append(out, EvidenceProblem{Path: f.Path, Problem: "unsafe path"})
			continue
		}
		got, err := hashFile(root, filepath.Join(root, local))
		switch {
		case errors.Is(err, os.ErrNotExist):
			out = append(out, EvidenceProblem{Path: f.Path, Problem: "missing"})
		case err != nil:
			out = append(out, EvidenceProblem{Path: f.Path, Problem: "unreadable", Detail: err.Error()})
		case got.SHA256 != f.SHA256:
			out = append(out, EvidenceProblem{Path: f.Path, Problem: "modified",
				Detail: fmt.Sprintf("sha256 %s, manifest says %s", got.SHA256, f.SHA256)})
		}
	}
	return out
}
