//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package delivery_test

import (
	"context"
	"fmt"
	"os"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// A program queues a self-contained request, then flushes the queue with a Sender: the
// verdict on each answer decides whether the request is deleted, kept or set aside.
func Example() {
	fake := ilerttest.Start()
	defer fake.Close()
	dir, err := os.MkdirTemp("", "delivery-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	q, err := spool.Open(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	client, err := ilert.NewClient(ilert.WithBaseURL(fake.URL()))
	if err != nil {
		fmt.Println(err)
		return
	}
	sender := &delivery.Sender{ILert: client}

	payload, err := delivery.ILert(ilert.Event{
		IntegrationKey: "il1api-example",
		EventType:      ilert.EventTypeAlert,
		Summary:        "web01 is DOWN",
		AlertKey:       "healthchecks/web01",
	}).Encode()
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	if _, err := q.Enqueue(ctx, "ilert", payload); err != nil {
		fmt.Println(err)
		return
	}
	res, err := q.Flush(ctx, "ilert", func(ctx context.Context, it spool.Item) spool.Outcome {
		v, err := sender.DeliverItem(ctx, it)
		fmt.Printf("%s: %s\n", it.Destination, v)
		return v.Outcome(err)
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s, %d queued; iLert has %q\n", res.Status, res.Remaining, fake.Events()[0].Summary)
	// Output:
	// ilert: delivered
	// done, 0 queued; iLert has "web01 is DOWN"
}

// Judge names what an answer means for a queued request.
func ExampleJudge() {
	fmt.Println(delivery.Judge(nil))
	fmt.Println(delivery.Judge(context.DeadlineExceeded))
	fmt.Println(delivery.Judge(delivery.ErrInvalidRequest))
	// Output:
	// delivered
	// retry
	// rejected
}

// oneClient is a Clients that makes an iLert client for the request's base URL. A real
// program keeps one client per setting, and honours the proxy and TLS settings.
type oneClient struct{}

func (oneClient) ILert(t *delivery.Transport) (*ilert.Client, error) {
	return ilert.NewClient(ilert.WithBaseURL(t.ILertURL))
}

func (oneClient) AlertOps(*delivery.Transport) (*alertops.Client, error) {
	return nil, delivery.ErrNoClient
}

// A request that carries its transport settings goes where they say, through the client
// the Sender's Clients makes for them; Attempt reports the verdict and the answer.
func ExampleSender_Attempt() {
	fake := ilerttest.Start()
	defer fake.Close()
	fake.FailNext(1, ilerttest.Failure{Status: 404, Body: "<error>not a Nagios source</error>"})
	sender := &delivery.Sender{Clients: oneClient{}}
	req := delivery.ILertNagios("il1api-example", map[string]string{"NOTIFY_HOSTNAME": "web01"}).
		WithTransport(delivery.Transport{ILertURL: fake.URL(), Proxy: delivery.NoProxy}).
		WithRef("PROBLEM web01")
	for range 2 {
		res := sender.Attempt(context.Background(), req)
		fmt.Println(req, res.Verdict, res.StatusCode)
	}
	// Output:
	// delivery.Request{Sink:ilert-nagios Ref:PROBLEM web01} rejected 404
	// delivery.Request{Sink:ilert-nagios Ref:PROBLEM web01} delivered 200
}
