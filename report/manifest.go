package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	f, err := os.Open(path)
	if err != nil {
		return EvidenceManifest{}, fmt.Errorf("report: read manifest: %w", err)
	}
	defer f.Close()
	return DecodeManifest(path, f)
}

// MaxManifestBytes bounds the size of a manifest DecodeManifest accepts.
const MaxManifestBytes = 64 << 20

// DecodeManifest decodes the evidence manifest read from r; name (a path or
// URL) only labels errors. A manifest larger than MaxManifestBytes is
// refused.
func DecodeManifest(name string, r io.Reader) (EvidenceManifest, error) {
	var m EvidenceManifest
	b, err := io.ReadAll(io.LimitReader(r, MaxManifestBytes+1))
	if err != nil {
		return m, fmt.Errorf("report: read manifest %s: %w", name, err)
	}
	if len(b) > MaxManifestBytes {
		return m, fmt.Errorf("report: read manifest %s: larger than %d bytes", name, MaxManifestBytes)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("report: read manifest %s: %w", name, err)
	}
	if m.Format != ManifestFormat {
		return m, fmt.Errorf("report: read manifest %s: format %q, want %q", name, m.Format, ManifestFormat)
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
	return VerifyEvidenceWith(m, func(path string) (io.ReadCloser, error) {
		return os.Open(filepath.Join(root, filepath.FromSlash(path)))
	})
}

// VerifyEvidenceWith is VerifyEvidence over any store of the history: open
// returns the file at a manifest path (slash-separated, relative to the
// history root, already checked to stay under it), which is streamed
// through SHA-256 and closed. An error wrapping fs.ErrNotExist means the
// file is missing; any other error makes it "unreadable".
func VerifyEvidenceWith(m EvidenceManifest, open func(path string) (io.ReadCloser, error)) []EvidenceProblem {
	var out []EvidenceProblem
	for _, f := range m.Files {
		if !filepath.IsLocal(filepath.FromSlash(f.Path)) || !fs.ValidPath(f.Path) {
			out = append(out, EvidenceProblem{Path: f.Path, Problem: "unsafe path"})
			continue
		}
		got, err := hashStream(f.Path, open)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			out = append(out, EvidenceProblem{Path: f.Path, Problem: "missing"})
		case err != nil:
			out = append(out, EvidenceProblem{Path: f.Path, Problem: "unreadable", Detail: err.Error()})
		case got != f.SHA256:
			out = append(out, EvidenceProblem{Path: f.Path, Problem: "modified",
				Detail: fmt.Sprintf("sha256 %s, manifest says %s", got, f.SHA256)})
		}
	}
	return out
}

// hashStream returns the hex SHA-256 of the file open gives for path.
func hashStream(path string, open func(string) (io.ReadCloser, error)) (string, error) {
	r, err := open(path)
	if err != nil {
		return "", err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", fmt.Errorf("report: hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
