// Package throttle owns how an API client paces itself against one
// provider instance: Adaptive, the in-flight limit that follows the
// server's 429s, and Rate, the images-per-minute budget. Every API
// client (seedream, openai) shares them, so that the same limits hold
// whichever image API an asset uses. It knows no API.
package throttle
