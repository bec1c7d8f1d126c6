package estate

import (
	"bytes"
	"math/rand/v2"
	"regexp"
	"testing"
)

func TestObjectDeterministicAndVaried(t *testing.T) {
	kinds := map[string]int{}
	var total int
	for i := range 3000 {
		k1, b1, c1 := Object(i)
		k2, b2, c2 := Object(i)
		if k1 != k2 || c1 != c2 || !bytes.Equal(b1, b2) {
			t.Fatalf("Object(%d) differs between calls", i)
		}
		if len(b1) < 256 || len(b1) > 33<<10 {
			t.Errorf("Object(%d): %d bytes, want 256 B to 33 KiB", i, len(b1))
		}
		kinds[c1]++
		total += len(b1)
	}
	if len(kinds) != 3 {
		t.Errorf("content types %v, want 3", kinds)
	}
	if avg := total / 3000; avg < 2<<10 || avg > 8<<10 {
		t.Errorf("average size %d B, want 2–8 KiB", avg)
	}
}

func TestCardLuhn(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	nonDigit := regexp.MustCompile(`\D`)
	for range 1000 {
		d := nonDigit.ReplaceAllString(card(r), "")
		sum := 0
		for k := len(d) - 1; k >= 0; k-- {
			v := int(d[k] - '0')
			if (len(d)-1-k)%2 == 1 {
				v *= 2
				if v > 9 {
					v -= 9
				}
			}
			sum += v
		}
		if len(d) != 16 || sum%10 != 0 {
			t.Fatalf("card %s is not a Luhn-valid 16-digit number", d)
		}
	}
}
