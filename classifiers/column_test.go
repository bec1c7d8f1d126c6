package classifiers

import "testing"

func TestColumnStats(t *testing.T) {
	tests := []struct {
		name    string
		values  []string
		matched []bool
		want    bool
	}{
		{"all match", []string{"a", "b", "c"}, []bool{true, true, true}, true},
		{"half", []string{"a", "b", "c", "d", "e", "f"}, []bool{true, true, true, false, false, false}, true},
		{"under half", []string{"a", "b", "c", "d", "e", "f", "g"}, []bool{true, true, true, false, false, false, false}, false},
		{"too few", []string{"a", "b"}, []bool{true, true}, false},
		{"empties ignored", []string{"a", "", " \t", "b", "c", ""}, []bool{true, false, false, true, true, false}, true},
		{"none", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c ColumnStats
			for i, v := range tt.values {
				c.Add([]byte(v), tt.matched[i])
			}
			if got := c.Sensitive(); got != tt.want {
				t.Errorf("Sensitive() = %v for %+v, want %v", got, c, tt.want)
			}
		})
	}
}
