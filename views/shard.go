package views

import (
	"fmt"

	"github.com/seedform/seedform/pipeline"
	"github.com/seedform/seedform/views/jsonui"
)

// ShardMerge says what each shard recorded and what the merge wrote.
func (h *Human) ShardMerge(res *pipeline.MergeResult) {
	total := pipeline.ShardSummary{}
	for _, s := range res.Shards {
		fmt.Fprintf(h.W, "shard %d: %d recorded (%d images), %d removed  (%s)\n", s.Shard, s.Recorded, s.Images, s.Removed, s.File)
		total.Recorded += s.Recorded
		total.Images += s.Images
		total.Removed += s.Removed
	}
	if res.AlreadyMerged {
		fmt.Fprintf(h.W, "\n%s: these %d shards are merged already; nothing changed.\n", h.paint(bold, "Merge complete"), len(res.Shards))
		return
	}
	fmt.Fprintf(h.W, "\n%s %d shards: %d recorded (%d images), %d removed. The lock and the manifest are written: commit them with the images.\n",
		h.paint(bold, "Merge complete!"), len(res.Shards), total.Recorded, total.Images, total.Removed)
}

// ShardMerge is one line per shard and a closing summary.
func (j *JSON) ShardMerge(res *pipeline.MergeResult) {
	total := jsonui.Merged{AlreadyMerged: res.AlreadyMerged}
	count := len(res.Shards)
	for _, s := range res.Shards {
		j.emit(jsonui.Message{Type: jsonui.TypeShardMerged,
			Message: fmt.Sprintf("shard %d/%d: %d recorded, %d removed", s.Shard, count, s.Recorded, s.Removed),
			Shard:   &jsonui.Shard{Index: s.Shard, Count: count},
			Merged:  &jsonui.Merged{File: s.File, Recorded: s.Recorded, Images: s.Images, Removed: s.Removed}})
		total.Recorded += s.Recorded
		total.Images += s.Images
		total.Removed += s.Removed
	}
	msg := fmt.Sprintf("merged %d shards: %d recorded, %d removed", count, total.Recorded, total.Removed)
	if res.AlreadyMerged {
		msg = fmt.Sprintf("%d shards merged already: nothing changed", count)
	}
	j.emit(jsonui.Message{Type: jsonui.TypeMergeSummary, Message: msg, Shard: &jsonui.Shard{Count: count}, Merged: &total})
}

// SetShard puts the shard on every later line (a sharded apply).
func (j *JSON) SetShard(index, count int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.shard = &jsonui.Shard{Index: index, Count: count}
}
