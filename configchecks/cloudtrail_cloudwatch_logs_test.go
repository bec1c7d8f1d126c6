package configchecks

import (
	"strings"
	"testing"
	"time"
)

// TestCloudTrailCloudWatchLogsDelivery covers the delivery fields moto's
// GetTrailStatus never returns.
func TestCloudTrailCloudWatchLogsDelivery(t *testing.T) {
	now := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	recent, stale := now.Add(-time.Hour), now.Add(-48*time.Hour)
	for _, tc := range []struct {
		name   string
		status TrailStatus
		want   Status
		say    string
	}{
		{"recent", TrailStatus{IsLogging: true, LatestCloudWatchLogsDelivery: &recent}, StatusPass, "last delivered at 2026-01-02T11:00:00Z"},
		{"stale", TrailStatus{IsLogging: true, LatestCloudWatchLogsDelivery: &stale}, StatusFail, "more than 24 hours ago"},
		{"error", TrailStatus{IsLogging: true, LatestCloudWatchLogsDelivery: &recent, LatestCloudWatchLogsError: "AccessDenied"}, StatusFail, "AccessDenied"},
		{"stopped", TrailStatus{}, StatusFail, "not logging"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &State{AccountID: "123456789012", Partition: "aws", ObservedAt: now, Regional: []RegionState{{Name: "us-east-1",
				Trails: Observed([]Trail{{Name: "main", ARN: "arn:aws:cloudtrail:us-east-1:123456789012:trail/main", HomeRegion: "us-east-1",
					LogGroupARN: "arn:aws:logs:us-east-1:123456789012:log-group:trail:*", Status: Observed(tc.status)}})}}}
			rs := evalCloudTrailCloudWatchLogs(st)
			if len(rs) != 1 || rs[0].Status != tc.want || !strings.Contains(rs[0].StatusExtended, tc.say) {
				t.Errorf("%v, want one %s saying %q", rs, tc.want, tc.say)
			}
		})
	}
}
