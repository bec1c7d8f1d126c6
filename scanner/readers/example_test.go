package readers_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/cairnsec/cairn/scanner/readers"
)

func Example() {
	data := "name,ssn\nAlice,123-45-6789\nBob,987-65-4321\nCar"
	format := readers.Detect("people.csv", []byte(data))
	res, err := readers.Read(context.Background(), format, strings.NewReader(data), func(s readers.Segment) error {
		fmt.Printf("%q: %q\n", s.Field, s.Data) // the engine would scan s.Data here
		return nil
	})
	fmt.Println(format, res.Records, res.Truncated, err)
	// Output:
	// "": "name,ssn"
	// "name": "Alice\nBob"
	// "ssn": "123-45-6789\n987-65-4321"
	// csv 2 true <nil>
}
