package scanner

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
)

func TestReadReason(t *testing.T) {
	api := func(code, msg string) error {
		return fmt.Errorf("s3: get: %w", &smithy.GenericAPIError{Code: code, Message: msg})
	}
	tests := []struct {
		err  error
		want string
	}{
		{api("InvalidObjectState", "The operation is not valid for the object's storage class"), ReasonInvalidObjectState},
		{api("InvalidRequest", "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object."), ReasonInvalidEncryption},
		{api("AccessDenied", "Access Denied"), ReasonPermissionDenied},
		{api("AccessDenied", "User is not authorized to perform kms:Decrypt"), ReasonInvalidKMSKey},
		{api("KMS.DisabledException", "key disabled"), ReasonInvalidKMSKey},
		{api("NoSuchKey", "gone"), ReasonObjectUnavailable},
		{api("SlowDown", "reduce your request rate"), ReasonThrottled},
		{fmt.Errorf("read: %w", context.DeadlineExceeded), ReasonTimeout},
		{fmt.Errorf("connection reset"), ReasonReadError},
	}
	for _, tt := range tests {
		t.Run(tt.want+"/"+tt.err.Error(), func(t *testing.T) {
			if got := readReason(tt.err); got != tt.want {
				t.Errorf("readReason = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCouldNotRead(t *testing.T) {
	for reason, want := range map[string]bool{
		ReasonUnsupportedFileType: false, ReasonByteLimit: false, ReasonMalformed: false, "": false,
		ReasonPermissionDenied: true, ReasonInvalidEncryption: true, ReasonInvalidObjectState: true,
		ReasonThrottled: true, ReasonTimeout: true, ReasonReadError: true,
	} {
		if got := couldNotRead(reason); got != want {
			t.Errorf("couldNotRead(%q) = %v, want %v", reason, got, want)
		}
	}
}

func TestStoreTallyScore(t *testing.T) {
	empty := storeTally{}
	if empty.score() != 0 || len(empty.classes()) != 0 {
		t.Fatal("empty store must score 0")
	}
	one := storeTally{}
	one.add(Finding{Identifier: "AWS_ACCESS_KEY_ID", Category: "CREDENTIALS", Confidence: "HIGH", Count: 1})
	many := storeTally{}
	many.add(Finding{Identifier: "CREDIT_CARD_NUMBER", Category: "FINANCIAL", Confidence: "HIGH", Count: 500})
	many.add(Finding{Identifier: "US_SSN", Category: "PERSONAL", Confidence: "HIGH", Count: 500})
	many.add(Finding{Identifier: "AWS_SECRET_ACCESS_KEY", Category: "CREDENTIALS", Confidence: "HIGH", Count: 3})
	if !(one.score() > 0 && many.score() > one.score() && many.score() <= 100) {
		t.Errorf("scores: one=%v many=%v", one.score(), many.score())
	}
	low := storeTally{}
	low.add(Finding{Identifier: "US_PHONE_NUMBER", Category: "PERSONAL", Confidence: "LOW", Count: 1})
	if low.score() >= one.score() {
		t.Errorf("a LOW phone number (%v) must score below a HIGH credential (%v)", low.score(), one.score())
	}
}
