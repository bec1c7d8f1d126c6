package readers_test

import (
	"bytes"
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

func ExampleReadSource() {
	data := []byte("name,email\nAda,ada@example.com\n")
	src := readers.Source{Name: "people.csv", Size: int64(len(data)), At: bytes.NewReader(data)}
	res, err := readers.ReadSource(context.Background(), src, readers.Limits{}, func(s readers.Segment) error {
		fmt.Printf("%q %q: %q\n", s.Entry, s.Field, s.Data) // the engine would scan s.Data here
		return nil
	})
	fmt.Println(res.Format, res.Status, res.Reason == "", err)
	// Output:
	// "" "": "name,email"
	// "" "name": "Ada"
	// "" "email": "ada@example.com"
	// csv COMPLETE true <nil>
}
