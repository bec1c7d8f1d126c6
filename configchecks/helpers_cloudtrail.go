package configchecks

import (
	"slices"
	"strings"
)

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
	}
	if gaps := managementGaps(t.Selectors.Value); len(gaps) > 0 {
		return false, true, "does not record all read and write management events (missing: " + strings.Join(gaps, "; ") + ")"
	}
	return true, true, ""
}

// mgmtSelector is what one event selector records of management events: the read
// (readOnly true) and write (readOnly false) events, of every event source but those
// in except (all is true), or of the sources in only (all is false).
type mgmtSelector struct {
	read, write bool
	all         bool
	except      []string
	only        []string
}

// managementGaps returns the management events the selectors do not record, as
// "read events", "write events", "read and write events of kms.amazonaws.com" and the
// like; none when they record every read and write management event. As in AWS
// Config's multi-region-cloudtrail-enabled rule, excluded event sources (the console's
// "Exclude AWS KMS events" and "Exclude Amazon RDS Data API events") are gaps, unless
// another selector records those sources. A selector narrowed by anything else
// (event name, user identity, error code, ...) proves nothing and is ignored.
func managementGaps(s TrailSelectors) []string {
	var sels []mgmtSelector
	for _, b := range s.Basic {
		if !b.IncludeManagementEvents {
			continue
		}
		rw := strings.ToLower(b.ReadWriteType)
		sels = append(sels, mgmtSelector{read: rw != "writeonly", write: rw != "readonly", all: true, except: b.ExcludeSources})
	}
	for _, a := range s.Advanced {
		if m, ok := advancedManagement(a); ok {
			sels = append(sels, m)
		}
	}
	var gaps [2]string // read, write: "" when all recorded, else "events" or "events of SOURCES"
	for k, kind := range []string{"read", "write"} {
		covers := func(m mgmtSelector) bool { return kind == "read" && m.read || kind == "write" && m.write }
		var best *mgmtSelector // the all-sources selector with the fewest exclusions
		for i, m := range sels {
			if covers(m) && m.all && (best == nil || len(m.except) < len(best.except)) {
				best = &sels[i]
			}
		}
		if best == nil {
			gaps[k] = "events"
			continue
		}
		var missing []string
		for _, src := range best.except {
			recorded := slices.ContainsFunc(sels, func(m mgmtSelector) bool {
				return covers(m) && (m.all && !hasValue(m.except, src) || !m.all && hasValue(m.only, src))
			})
			if !recorded && !hasValue(missing, src) {
				missing = append(missing, src)
			}
		}
		if len(missing) > 0 {
			gaps[k] = "events of " + strings.Join(missing, " and ")
		}
	}
	switch {
	case gaps[0] == "" && gaps[1] == "":
		return nil
	case gaps[0] == gaps[1]:
		return []string{"read and write " + gaps[0]}
	}
	var out []string
	if gaps[0] != "" {
		out = append(out, "read "+gaps[0])
	}
	if gaps[1] != "" {
		out = append(out, "write "+gaps[1])
	}
	return out
}

// advancedManagement reads an advanced selector of management events; ok is false
// for any other selector, and for one whose fields narrow it past read/write and
// event source.
func advancedManagement(a AdvancedSelector) (m mgmtSelector, ok bool) {
	m = mgmtSelector{read: true, write: true, all: true}
	mgmt := false
	for _, f := range a.Fields {
		if len(f.StartsWith)+len(f.NotStartsWith)+len(f.EndsWith)+len(f.NotEndsWith) > 0 {
			return m, false
		}
		switch f.Field {
		case "eventCategory":
			mgmt = hasValue(f.Equals, "Management") || len(f.Equals) == 0 && len(f.NotEquals) > 0 && !hasValue(f.NotEquals, "Management")
		case "readOnly":
			m.read = readOnlyKept(f, "true")
			m.write = readOnlyKept(f, "false")
		case "eventSource":
			if len(f.Equals) > 0 {
				m.all, m.only = false, f.Equals
			}
			m.except = append(m.except, f.NotEquals...)
		default:
			return m, false
		}
	}
	return m, mgmt
}

// readOnlyKept reports whether a readOnly field condition keeps events whose readOnly
// is v ("true" or "false").
func readOnlyKept(f SelectorField, v string) bool {
	if len(f.Equals) > 0 {
		return hasValue(f.Equals, v)
	}
	return !hasValue(f.NotEquals, v)
}

// s3DataEvents reports whether selectors record S3 object-level events of the given
// kind (read or write) for every object of bucket.
func s3DataEvents(s TrailSelectors, partition, bucket string, write bool) bool {
	objects := "arn:" + partition + ":s3:::" + bucket + "/" // every object ARN of the bucket starts so
	for _, b := range s.Basic {
		rw := strings.ToLower(b.ReadWriteType)
		if rw != "all" && (write && rw != "writeonly" || !write && rw != "readonly") {
			continue
		}
		for _, d := range b.DataResources {
			// Values are ARN prefixes: "arn:aws:s3" or "arn:aws:s3:::" for every bucket,
			// "arn:aws:s3:::bucket/" for one, "arn:aws:s3:::bucket/logs/" for part of one.
			if d.Type == "AWS::S3::Object" && slices.ContainsFunc(d.Values, func(v string) bool { return v != "" && strings.HasPrefix(objects, v) }) {
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
				kindOK = readOnlyKept(f, want)
			case "resources.ARN":
				bucketOK = arnsCover(f, objects)
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

// arnsCover reports whether a resources.ARN field condition keeps every object ARN
// starting with objects: a StartsWith value that is a prefix of it, if the field has
// positive conditions (Equals names single objects and EndsWith suffixes, so neither
// keeps a whole bucket), and no negative condition that drops one of its objects.
func arnsCover(f SelectorField, objects string) bool {
	if len(f.Equals)+len(f.StartsWith)+len(f.EndsWith) > 0 &&
		!slices.ContainsFunc(f.StartsWith, func(v string) bool { return strings.HasPrefix(objects, v) }) {
		return false
	}
	drops := func(v string) bool { return strings.HasPrefix(objects, v) || strings.HasPrefix(v, objects) }
	return len(f.NotEndsWith) == 0 && !slices.ContainsFunc(f.NotStartsWith, drops) &&
		!slices.ContainsFunc(f.NotEquals, func(v string) bool { return strings.HasPrefix(v, objects) })
}
