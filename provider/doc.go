// Package provider turns one asset spec into image files. It owns the
// Provider interface the pipeline calls, the provider types it registers
// with package schema (their attributes, settings and model rules: the
// offline placeholder, Seedream, the OpenAI Images API), the adapters
// that build each type's client from a provider block (New), and the
// probing of image files (ProbeFile). It does not import the
// configuration language: a provider sees an asset as schema.Asset.
//
// A provider writes finished, synced files into the request's staging
// directory and reports them (an image the disk refused, which the answer
// carried inline, is reported held in memory instead), and bounds the
// space an answer can take there (AnswerSizer); moving them into place,
// and recording them in the lock and manifest, is the pipeline's job.
// This package knows nothing of locks or plans.
package provider
