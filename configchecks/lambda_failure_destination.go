package configchecks

var _ = register(Check{
	ID:        "lambda.failure_destination",
	Title:     "Lambda functions keep failed asynchronous invocations (dead-letter queue or on-failure destination)",
	Severity:  SeverityLow,
	Category:  CategoryAvailability,
	SOC2:      []string{"A1.2", "CC9.1"},
	Rationale: "An asynchronous invocation that still fails after Lambda's retries is discarded unless a dead-letter queue or an on-failure destination keeps the event, so it can be inspected and replayed.",
	Remediation: Remediation{
		Console: "Lambda console → the function → Configuration → Destinations → Add destination: Asynchronous invocation, On failure, an SQS queue, SNS topic, Lambda function or EventBridge bus → Save.",
		CLI:     "aws lambda put-function-event-invoke-config --function-name FUNCTION --destination-config '{\"OnFailure\":{\"Destination\":\"QUEUE_ARN\"}}'",
	},
	Permissions: []string{"lambda:ListFunctions", "lambda:GetFunctionEventInvokeConfig"},
	Evaluate: func(st *State) []Result {
		return forEachResource(st, "lambda", "the Lambda functions", func(rs *RegionState) Attr[[]Function] { return rs.Functions },
			func(rs *RegionState, f Function) Result {
				e := ev{"function": f.Name, "dead_letter_target": f.DeadLetterTarget}
				if f.DeadLetterTarget != "" {
					return result(StatusPass, f.ARN, rs.Name, e, "Lambda function %s sends failed asynchronous invocations to the dead-letter target %s.", f.Name, f.DeadLetterTarget)
				}
				if !f.OnFailure.Known {
					return unknownResult(f.ARN, rs.Name, "the asynchronous invocation destinations of Lambda function "+f.Name, f.OnFailure.Reason())
				}
				e["on_failure_destination"] = f.OnFailure.Value
				if f.OnFailure.Value != "" {
					return result(StatusPass, f.ARN, rs.Name, e, "Lambda function %s sends failed asynchronous invocations to %s.", f.Name, f.OnFailure.Value)
				}
				return result(StatusFail, f.ARN, rs.Name, e, "Lambda function %s has neither a dead-letter queue nor an on-failure destination: failed asynchronous invocations are dropped.", f.Name)
			})
	},
})
