package scanner

import (
	"strings"
	"testing"
	"time"
)

const reportHeader = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"

func TestParseCredentialReport(t *testing.T) {
	report := reportHeader +
		"<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-05-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
		"alice,arn:aws:iam::123456789012:user/alice,2024-01-02T03:04:05+00:00,true,no_information,2024-01-02T03:04:05+00:00,N/A,false,true,2024-01-02T03:04:06+00:00,2024-03-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
	rows, err := ParseCredentialReport([]byte(report))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || !rows[0].IsRoot() || rows[0].HasPassword() || !rows[0].MFAActive {
		t.Fatalf("root row: %+v", rows)
	}
	a := rows[1]
	if a.User != "alice" || !a.HasPassword() || a.MFAActive || a.PasswordLastUsed != nil || !a.AccessKeys[0].Active || a.AccessKeys[1].Active {
		t.Errorf("alice: %+v", a)
	}
	if want := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC); a.AccessKeys[0].LastUsed == nil || !a.AccessKeys[0].LastUsed.Equal(want) {
		t.Errorf("alice key 1 last used %v", a.AccessKeys[0].LastUsed)
	}
	for _, bad := range []string{"", "name,arn\nx,y\n", "user,arn\n\"unterminated\n"} {
		if _, err := ParseCredentialReport([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	big := reportHeader + strings.Repeat("u,arn:aws:iam::1:user/u\n", maxReportRows+1)
	if _, err := ParseCredentialReport([]byte(big)); err == nil {
		t.Error("report over the row cap accepted")
	}
}

func FuzzParseCredentialReport(f *testing.F) {
	f.Add([]byte(reportHeader + "alice,arn:aws:iam::123456789012:user/alice,2024-01-02T03:04:05+00:00,true,N/A,N/A,N/A,false,true,2024-01-02T03:04:06+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"))
	f.Add([]byte("user,arn\n<root_account>,arn:aws:iam::1:root\n"))
	f.Add([]byte("user,arn,mfa_active\n\"a,b\",c\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := ParseCredentialReport(b)
		if err == nil && len(rows) > maxReportRows {
			t.Fatalf("%d rows", len(rows))
		}
	})
}

func TestMaskKeyID(t *testing.T) {
	if got := maskKeyID("AKIAIOSFODNN7EXAMPLE"); got != "AKIA************MPLE" {
		t.Errorf("mask = %s", got)
	}
	if got := maskKeyID("short"); got != "*****" {
		t.Errorf("mask short = %s", got)
	}
}
