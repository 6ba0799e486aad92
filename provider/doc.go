// Package provider turns one asset spec into image files. It owns the
// Provider interface the pipeline calls, the offline placeholder renderer
// and the Seedream adapter, and the probing of image files (ProbeFile).
//
// A provider writes finished, synced files into the request's staging
// directory and reports them; moving them into place, and recording them
// in the lock and manifest, is the pipeline's job. This package knows
// nothing of locks or plans.
package provider
