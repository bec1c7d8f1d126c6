package configchecks

import "strings"

// allTrails returns every trail of the scanned regions, without duplicates, and the
// reasons the trails of some regions are unknown ("REGION: reason").
func allTrails(st *State) (trails []Trail, unknown []string) {
	seen := map[string]bool{}
	for _, rs := range st.Regional {
		if !rs.Trails.Known {
			unknown = append(unknown, rs.Name+": "+rs.Trails.Reason())
			continue
		}
		for _, t := range rs.Trails.Value {
			if !seen[t.ARN] {
				seen[t.ARN] = true
				trails = append(trails, t)
			}
		}
	}
	return trails, unknown
}

// loggingMultiRegion reports whether a trail is multi-region, logging and records all
// (read and write) management events. ok is false when the status or the selectors are
// unknown; why says what is missing or unknown.
func loggingMultiRegion(t Trail) (good, ok bool, why string) {
	switch {
	case !t.MultiRegion:
		return false, true, "not multi-region"
	case !t.Status.Known:
		return false, false, "status unknown (" + t.Status.Reason() + ")"
	case !t.Status.Value.IsLogging:
		return false, true, "not logging"
	case !t.Selectors.Known:
		return false, false, "event selectors unknown (" + t.Selectors.Reason() + ")"
	case !allManagementEvents(t.Selectors.Value):
		return false, true, "does not record all read and write management events"
	}
	return true, true, ""
}

// allManagementEvents reports whether the selectors record every read and write
// management event.
func allManagementEvents(s TrailSelectors) bool {
	for _, b := range s.Basic {
		if b.IncludeManagementEvents && strings.EqualFold(b.ReadWriteType, "All") {
			return true
		}
	}
	for _, a := range s.Advanced {
		mgmt, restricted := false, false
		for _, f := range a.Fields {
			switch f.Field {
			case "eventCategory":
				mgmt = hasValue(f.Equals, "Management")
			case "readOnly":
				restricted = true
			}
		}
		if mgmt && !restricted {
			return true
		}
	}
	return false
}

// s3DataEvents reports whether selectors record S3 object-level events of the given
// kind (read or write) for bucket.
func s3DataEvents(s TrailSelectors, partition, bucket string, write bool) bool {
	covers := func(values []string) bool {
		for _, v := range values {
			switch {
			case v == "arn:"+partition+":s3", v == "arn:"+partition+":s3:::",
				v == "arn:"+partition+":s3:::"+bucket, strings.HasPrefix(v, "arn:"+partition+":s3:::"+bucket+"/"):
				return true
			}
		}
		return false
	}
	for _, b := range s.Basic {
		rw := strings.ToLower(b.ReadWriteType)
		if rw != "all" && (write && rw != "writeonly" || !write && rw != "readonly") {
			continue
		}
		for _, d := range b.DataResources {
			if d.Type == "AWS::S3::Object" && covers(d.Values) {
				return true
			}
		}
	}
	for _, a := range s.Advanced {
		data, s3obj, kindOK, bucketOK := false, false, true, true
		for _, f := range a.Fields {
			switch f.Field {
			case "eventCategory":
				data = hasValue(f.Equals, "Data")
			case "resources.type":
				s3obj = hasValue(f.Equals, "AWS::S3::Object")
			case "readOnly":
				want := "true"
				if write {
					want = "false"
				}
				kindOK = hasValue(f.Equals, want) || (len(f.Equals) == 0 && len(f.NotEquals) > 0 && !hasValue(f.NotEquals, want))
			case "resources.ARN":
				bucketOK = covers(f.StartsWith) || covers(f.Equals)
			case "eventName", "eventSource", "eventType", "userIdentity.arn", "sessionCredentialFromConsole", "errorCode":
				// Narrows the events recorded: not every object-level event is kept.
				kindOK = false
			}
		}
		if data && s3obj && kindOK && bucketOK {
			return true
		}
	}
	return false
}
