package dbtest

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// FixtureDynamoSensitive maps the attribute paths of FixtureDynamoItem that hold
// sensitive values to the identifier found there. Paths follow Cairn's DynamoDB
// locations: nested maps joined by ".", list elements marked "[]", set members
// under their attribute's name.
var FixtureDynamoSensitive = map[string]string{
	"profile.ssn":            "US_SSN",
	"contacts[].email":       "EMAIL_ADDRESS",
	"emails":                 "EMAIL_ADDRESS",
	"payment.cards[].number": "CREDIT_CARD_NUMBER",
	"payment.iban":           "IBAN",
}

// FixtureDynamoDecoys lists attribute paths of FixtureDynamoItem whose values
// must not be reported (9-digit order ids in a number set, UUIDs, hex digests,
// zip codes, the key).
var FixtureDynamoDecoys = []string{"id", "order_ids", "tags.request", "tags.hash", "contacts[].zip", "contacts[].kind"}

type dynamoCustomer struct {
	ID       string            `dynamodbav:"id"`
	Profile  dynamoProfile     `dynamodbav:"profile"`
	Contacts []dynamoContact   `dynamodbav:"contacts"`
	Emails   []string          `dynamodbav:"emails,stringset"`
	Payment  dynamoPayment     `dynamodbav:"payment"`
	OrderIDs []int64           `dynamodbav:"order_ids,numberset"`
	Tags     map[string]string `dynamodbav:"tags"`
	Active   bool              `dynamodbav:"active"`
}

type dynamoProfile struct {
	Name string `dynamodbav:"name"`
	SSN  string `dynamodbav:"ssn"`
}

type dynamoContact struct {
	Kind  string `dynamodbav:"kind"`
	Email string `dynamodbav:"email"`
	Zip   string `dynamodbav:"zip"`
}

type dynamoPayment struct {
	Cards []dynamoCard `dynamodbav:"cards"`
	IBAN  string       `dynamodbav:"iban"`
}

type dynamoCard struct {
	Number string `dynamodbav:"number"`
	Expiry string `dynamodbav:"expiry"`
}

// FixtureDynamoItem returns customer i (i ≥ 1, see FixtureCustomer) as a nested
// DynamoDB item with a string hash key "id": maps, lists of maps, a string set and
// a number set, for a table created with KeySchema id (HASH, S).
func FixtureDynamoItem(i int) map[string]ddbtypes.AttributeValue {
	c := FixtureCustomer(i)
	item, err := attributevalue.MarshalMap(dynamoCustomer{
		ID:      fmt.Sprintf("c%05d", i),
		Profile: dynamoProfile{Name: c.FullName, SSN: c.SSN},
		Contacts: []dynamoContact{
			{Kind: "home", Email: c.Email, Zip: "10001"},
			{Kind: "work", Email: fmt.Sprintf("work%d@example.org", i), Zip: "94105"},
		},
		Emails:   []string{c.Email},
		Payment:  dynamoPayment{Cards: []dynamoCard{{Number: c.CardNumber, Expiry: "12/29"}}, IBAN: c.IBAN},
		OrderIDs: []int64{c.OrderID},
		Tags:     map[string]string{"request": c.RequestID, "hash": c.PasswordHash},
		Active:   i%2 == 0,
	})
	if err != nil {
		// Marshalling a struct of strings, numbers and slices cannot fail.
		panic(fmt.Sprintf("dbtest: dynamo item: %v", err))
	}
	return item
}
