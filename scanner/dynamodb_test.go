package scanner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/cairnsec/cairn/classifiers"
	"github.com/cairnsec/cairn/scanner"
	"github.com/cairnsec/cairn/scanner/dbtest"
	"github.com/cairnsec/cairn/scanner/mototest"
)

// TestDynamoDBEndToEnd seeds tables with nested items and the three kinds of
// encryption in moto, scans them, and checks findings per attribute path,
// the SSE types and the resource-policy exposure.
func TestDynamoDBEndToEnd(t *testing.T) {
	srv, cfg := mototest.StartSeeded(t)
	ctx := context.Background()
	ddb := dynamodb.NewFromConfig(cfg)
	key, err := kms.NewFromConfig(cfg).CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("payments key")})
	if err != nil {
		t.Fatal(err)
	}
	keyARN := aws.ToString(key.KeyMetadata.Arn)
	create := func(name string, sse *ddbtypes.SSESpecification) string {
		t.Helper()
		out, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
			TableName:            aws.String(name),
			AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
			KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
			BillingMode:          ddbtypes.BillingModePayPerRequest,
			SSESpecification:     sse,
		})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.TableDescription.TableArn)
	}
	create("customers", nil)
	paymentsARN := create("payments", &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String(keyARN)})
	create("sessions", &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms})

	// BatchWriteItem takes 25 items a call: 120 customers in each table.
	for start := 1; start <= 120; start += 25 {
		for _, table := range []string{"customers", "payments"} {
			var reqs []ddbtypes.WriteRequest
			for i := start; i < start+25 && i <= 120; i++ {
				reqs = append(reqs, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: dbtest.FixtureDynamoItem(i)}})
			}
			out, err := ddb.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{table: reqs}})
			if err != nil || len(out.UnprocessedItems) > 0 {
				t.Fatalf("batch write: %v (unprocessed %d)", err, len(out.UnprocessedItems))
			}
		}
	}
	if _, err := ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("sessions"), Item: map[string]ddbtypes.AttributeValue{
		"id": &ddbtypes.AttributeValueMemberS{Value: "s1"}, "token": &ddbtypes.AttributeValueMemberS{Value: "opaque"},
	}}); err != nil {
		t.Fatal(err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"AnyoneReads","Effect":"Allow","Principal":"*","Action":"dynamodb:GetItem","Resource":"` + paymentsARN + `"}]}`
	if _, err := ddb.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(paymentsARN), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}

	engine, err := classifiers.NewEngine(classifiers.Options{FingerprintKey: bytes.Repeat([]byte{2}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	ao := scanner.AWSOptions{EndpointURL: srv.Endpoint}
	guarded, err := scanner.LoadAWSConfig(ctx, ao)
	if err != nil {
		t.Fatal(err)
	}
	sink := newMemorySink()
	stats, err := scanner.NewDynamoDBScanner(guarded, ao, engine, scanner.DynamoOptions{SampleItems: 60}, nil).Scan(ctx, mototest.AccountID, sink)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Incomplete() || stats.Assets != 3 || stats.Objects != 3 {
		t.Errorf("stats %+v", stats)
	}

	posture := func(a scanner.Asset) scanner.TablePosture {
		var p scanner.TablePosture
		if err := json.Unmarshal([]byte(a.Posture), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("encryption", func(t *testing.T) {
		for name, want := range map[string][2]string{
			"customers": {scanner.EncryptionAWSOwned, ""},
			"payments":  {scanner.EncryptionSSEKMS, scanner.KeyManagerCustomer},
			"sessions":  {scanner.EncryptionSSEKMS, scanner.KeyManagerAWS},
		} {
			a := sink.assets[name]
			if a.Service != "dynamodb" || a.Encryption != want[0] || a.KMSKeyManager != want[1] {
				t.Errorf("%s: service %s encryption %s manager %q, want %v", name, a.Service, a.Encryption, a.KMSKeyManager, want)
			}
		}
		if a := sink.assets["payments"]; a.KMSKeyARN != keyARN {
			t.Errorf("payments key %s, want %s", a.KMSKeyARN, keyARN)
		}
	})
	t.Run("exposure", func(t *testing.T) {
		if a := sink.assets["payments"]; !a.Public || !strings.Contains(a.PublicReason, "AnyoneReads") {
			t.Errorf("payments: public=%v reason=%q", a.Public, a.PublicReason)
		}
		if a := sink.assets["customers"]; a.Public || a.PublicReason != "" || a.Status != scanner.StatusComplete {
			t.Errorf("customers: public=%v reason=%q status %s %s", a.Public, a.PublicReason, a.Status, a.Reason)
		}
		if p := posture(sink.assets["customers"]); p.PITREnabled || p.Sampling == nil || p.Sampling.Items != 60 || p.Sampling.TotalSegments != 4 {
			t.Errorf("customers posture %+v sampling %+v", p, p.Sampling)
		}
	})
	t.Run("nested attributes by path", func(t *testing.T) {
		got := map[string]scanner.Finding{}
		for _, f := range sink.findings {
			if strings.HasPrefix(f.Location, "customers#") {
				got[f.Location+" "+f.Identifier] = f
			}
		}
		for path, id := range dbtest.FixtureDynamoSensitive {
			want := "customers#" + path + " " + id
			f, ok := got[want]
			if !ok {
				t.Errorf("no finding %s; got %v", want, keys(got))
				continue
			}
			if f.Field != path || !f.FieldSensitive || f.Count == 0 || f.Count > 120 {
				t.Errorf("%s: field %q sensitive %v count %d", want, f.Field, f.FieldSensitive, f.Count)
			}
		}
		for k := range got {
			for _, decoy := range dbtest.FixtureDynamoDecoys {
				if strings.HasPrefix(k, "customers#"+decoy+" ") {
					t.Errorf("decoy reported: %s", k)
				}
			}
		}
		o := sink.objects[sink.assets["customers"].ARN+"/customers"]
		if o.Status != scanner.StatusComplete || o.Format != "dynamodb:scan-segment" || o.BytesRead == 0 {
			t.Errorf("object %+v", o)
		}
	})
}
