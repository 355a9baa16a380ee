//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/ilert/ilerttest"
	"github.com/alertbridge/alertbridge/internal/spool"
)

// A program queues a self-contained request, then flushes the queue with a Sender: the
// error of each answer decides whether the request is deleted, kept or set aside, and
// StateOf names what the queue does with it.
func Example() {
	ctx := context.Background()
	fake := ilerttest.Start()
	defer fake.Close()
	dir, err := os.MkdirTemp("", "delivery-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	q, err := spool.Open(ctx, dir)
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
	if _, err := q.Enqueue(ctx, "ilert", payload); err != nil {
		fmt.Println(err)
		return
	}
	res, err := q.Flush(ctx, "ilert", func(ctx context.Context, it spool.Item) error {
		err := sender.Deliver(ctx, it)
		fmt.Printf("%s: %s\n", it.Destination, delivery.StateOf(err))
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s, %d queued; iLert has %q\n", res.Status, res.Remaining, fake.Events()[0].Summary)
	// Output:
	// ilert: sent
	// done, 0 queued; iLert has "web01 is DOWN"
}

// StateOf names what an error means for a queued request, in the programs' words.
func ExampleStateOf() {
	fmt.Println(delivery.StateOf(nil))
	fmt.Println(delivery.StateOf(context.DeadlineExceeded))
	fmt.Println(delivery.StateOf(delivery.ErrInvalidRequest))
	// Output:
	// sent
	// queued
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
// the Sender's Clients makes for them; Send reports the status of a success, and the error
// what the sink answered.
func ExampleSender_Send() {
	ctx := context.Background()
	fake := ilerttest.Start()
	defer fake.Close()
	fake.FailNext(1, ilerttest.Failure{Status: 404, Body: "<error>not a Nagios source</error>"})
	sender := &delivery.Sender{Clients: oneClient{}}
	req := delivery.ILertNagios("il1api-example", map[string]string{"NOTIFY_HOSTNAME": "web01"}).
		WithTransport(delivery.Transport{ILertURL: fake.URL(), Proxy: delivery.NoProxy}).
		WithRef("PROBLEM web01")
	for range 2 {
		status, err := sender.Send(ctx, req)
		if apiErr, ok := errors.AsType[*ilert.APIError](err); ok {
			status = apiErr.StatusCode
		}
		fmt.Println(req, delivery.StateOf(err), status)
	}
	// Output:
	// delivery.Request{Sink:ilert-nagios Ref:PROBLEM web01} rejected 404
	// delivery.Request{Sink:ilert-nagios Ref:PROBLEM web01} sent 200
}

// The Checkmk notifier queues requests prepared by its Sender: the body as iLert gets it,
// encoded once, so that a later flush sends the bytes as they are.
func ExampleSender_Prepare() {
	ctx := context.Background()
	fake := ilerttest.Start()
	defer fake.Close()
	client, err := ilert.NewClient(ilert.WithBaseURL(fake.URL()))
	if err != nil {
		fmt.Println(err)
		return
	}
	sender := &delivery.Sender{ILert: client}
	req := delivery.ILertCheckmk("il1-example-key", map[string]string{"HOSTNAME": "web01", "NOTIFICATIONTYPE": "PROBLEM"}).
		WithRef("PROBLEM web01")
	prepared, err := sender.Prepare(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	payload, err := prepared.Encode() // for the queue: format version 3
	if err != nil {
		fmt.Println(err)
		return
	}
	later, err := delivery.Decode(payload) // in the flush: no JSON decoded
	if err != nil {
		fmt.Println(err)
		return
	}
	status, err := sender.Send(ctx, later)
	fmt.Println(later.Ref, status, err, string(fake.Requests()[0].Body))
	// Output:
	// PROBLEM web01 202 <nil> {"HOSTNAME":"web01","NOTIFICATIONTYPE":"PROBLEM"}
}
