package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/dossier/dossier/internal/contract"
)

// The audit chain: every stage event (decisions and documents among them)
// and every refused attempt is also kept as a contract.AuditRecord on
// dossier.audit.chain, each record holding the hash of the one before it;
// a digest of the chain's head goes out every day on dossier.audit.digest
// for outside systems to keep.
const (
	SubjectChain  = "dossier.audit.chain"
	SubjectDigest = "dossier.audit.digest"
)

// chainAttempts bounds the retries of an append that lost the race for
// the chain's head to another appender.
const chainAttempts = 50

// AppendChain adds a record to the audit chain after its current head,
// with msgID as its Nats-Msg-Id so that the same record appended twice
// (a retried activity) is kept once. Appenders in several processes take
// turns: the publish expects the head it knows, and reads the head again
// when another appender got there first. Within a process, appends take
// turns on a lock and remember the head they wrote, which spares reading
// it back each time.
func (b *Bus) AppendChain(ctx context.Context, rec contract.AuditRecord, msgID string) error {
	b.chain.mu.Lock()
	defer b.chain.mu.Unlock()
	for range chainAttempts {
		if !b.chain.known {
			stream, err := b.JS.Stream(ctx, StreamAudit)
			if err != nil {
				return fmt.Errorf("bus: audit chain: %w", err)
			}
			head, seq, err := chainHead(ctx, stream)
			if err != nil {
				return err
			}
			b.chain.head, b.chain.seq, b.chain.known = head, seq, true
		}
		rec.Index, rec.Prev = b.chain.head.Index+1, b.chain.head.Hash
		if b.chain.seq == 0 {
			rec.Index, rec.Prev = 1, contract.GenesisHash
		}
		rec.Hash = rec.ComputeHash()
		raw, _ := json.Marshal(rec)
		ack, err := b.JS.Publish(ctx, SubjectChain, raw, jetstream.WithMsgID(msgID), jetstream.WithExpectLastSequencePerSubject(b.chain.seq))
		var apiErr *jetstream.APIError
		if errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
			apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant) {
			b.chain.known = false // another process appended: read the head again
			time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
			continue
		}
		if err != nil {
			b.chain.known = false
			return fmt.Errorf("bus: append to the audit chain: %w", err)
		}
		if ack.Duplicate {
			b.chain.known = false // kept before, as another record: the head is not ours
			return nil
		}
		b.chain.head, b.chain.seq = rec, ack.Sequence
		return nil
	}
	return fmt.Errorf("bus: append to the audit chain: the head kept moving after %d attempts", chainAttempts)
}

// chainCache is the head of the audit chain as this process last wrote
// or read it.
type chainCache struct {
	mu    sync.Mutex
	known bool
	head  contract.AuditRecord
	seq   uint64
}

// chainHead returns the last record of the chain and its stream sequence,
// or a zero sequence when the chain is empty.
func chainHead(ctx context.Context, stream jetstream.Stream) (contract.AuditRecord, uint64, error) {
	msg, err := stream.GetLastMsgForSubject(ctx, SubjectChain)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return contract.AuditRecord{}, 0, nil
	}
	if err != nil {
		return contract.AuditRecord{}, 0, fmt.Errorf("bus: audit chain head: %w", err)
	}
	var head contract.AuditRecord
	if err := json.Unmarshal(msg.Data, &head); err != nil {
		return contract.AuditRecord{}, 0, fmt.Errorf("bus: audit chain head (seq %d) is not a record: %w", msg.Sequence, err)
	}
	return head, msg.Sequence, nil
}

// ChainEntry is a record as read back, with where it is in the stream.
type ChainEntry struct {
	Seq    uint64
	Record contract.AuditRecord
	// Raw is the message as stored; Err says why it is not a record.
	Raw []byte
	Err error
}

// ReadChain returns every record of the audit chain, in stream order.
func (b *Bus) ReadChain(ctx context.Context) ([]ChainEntry, error) {
	return readSubject(ctx, b.JS, SubjectChain, func(seq uint64, raw []byte) (ChainEntry, bool) {
		e := ChainEntry{Seq: seq, Raw: raw}
		e.Err = json.Unmarshal(raw, &e.Record)
		return e, true
	})
}

// ReadDigests returns every digest published, oldest first.
func (b *Bus) ReadDigests(ctx context.Context) ([]contract.AuditDigest, error) {
	return readSubject(ctx, b.JS, SubjectDigest, func(_ uint64, raw []byte) (contract.AuditDigest, bool) {
		var d contract.AuditDigest
		return d, json.Unmarshal(raw, &d) == nil
	})
}

// PublishDigest publishes the chain's head as the digest of day; the same
// day published twice is kept once.
func (b *Bus) PublishDigest(ctx context.Context, day string, now time.Time) (contract.AuditDigest, error) {
	stream, err := b.JS.Stream(ctx, StreamAudit)
	if err != nil {
		return contract.AuditDigest{}, fmt.Errorf("bus: audit digest: %w", err)
	}
	head, seq, err := chainHead(ctx, stream)
	if err != nil {
		return contract.AuditDigest{}, err
	}
	d := contract.AuditDigest{Day: day, At: now, Index: head.Index, Hash: head.Hash}
	if seq == 0 {
		d.Hash = contract.GenesisHash
	}
	raw, _ := json.Marshal(d)
	if _, err := b.JS.Publish(ctx, SubjectDigest, raw, jetstream.WithMsgID("digest."+day)); err != nil {
		return contract.AuditDigest{}, fmt.Errorf("bus: publish audit digest: %w", err)
	}
	return d, nil
}

// maxReadBatch bounds one fetch from the audit stream.
const maxReadBatch = 256

// readSubject reads every message of the audit stream on subject, in
// order, until the stream has no more, and keeps those decode keeps. It reads with an ephemeral pull
// consumer that needs no acks and goes away by itself (an ordered consumer
// would delete and create one at every fetch).
func readSubject[T any](ctx context.Context, js jetstream.JetStream, subject string, decode func(seq uint64, raw []byte) (T, bool)) ([]T, error) {
	cons, err := js.CreateConsumer(ctx, StreamAudit, jetstream.ConsumerConfig{
		FilterSubject: subject, AckPolicy: jetstream.AckNonePolicy, DeliverPolicy: jetstream.DeliverAllPolicy,
		InactiveThreshold: 10 * time.Second, MemoryStorage: true,
	})
	if err != nil {
		return nil, fmt.Errorf("bus: read %s: %w", subject, err)
	}
	var out []T
	for pending := cons.CachedInfo().NumPending; pending > 0; {
		batch, err := cons.Fetch(int(min(pending, maxReadBatch)), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			return out, fmt.Errorf("bus: read %s: %w", subject, err)
		}
		n := 0
		for msg := range batch.Messages() {
			meta, err := msg.Metadata()
			if err != nil {
				return out, err
			}
			if v, keep := decode(meta.Sequence.Stream, msg.Data()); keep {
				out = append(out, v)
			}
			pending, n = meta.NumPending, n+1
		}
		if err := batch.Error(); err != nil {
			return out, fmt.Errorf("bus: read %s: %w", subject, err)
		}
		if n == 0 {
			break
		}
	}
	return out, nil
}
