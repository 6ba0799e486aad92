package views

import (
	"fmt"

	"github.com/seedform/seedform/pipeline"
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
	recorded, images, removed := 0, 0, 0
	for _, s := range res.Shards {
		j.emit(map[string]any{"type": "shard_merged", "@level": "info",
			"@message": fmt.Sprintf("shard %d: %d recorded, %d removed", s.Shard, s.Recorded, s.Removed),
			"shard":    map[string]any{"index": s.Shard, "count": len(res.Shards), "file": s.File, "recorded": s.Recorded, "images": s.Images, "removed": s.Removed}})
		recorded, images, removed = recorded+s.Recorded, images+s.Images, removed+s.Removed
	}
	j.emit(map[string]any{"type": "merge_summary", "@level": "info",
		"@message":       fmt.Sprintf("merged %d shards: %d recorded, %d removed", len(res.Shards), recorded, removed),
		"already_merged": res.AlreadyMerged,
		"recorded":       recorded, "images": images, "removed": removed, "shards": len(res.Shards)})
}
