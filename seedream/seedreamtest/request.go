package seedreamtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif" // reference images may be any format the API takes
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/seedform/seedform/seedream"
	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
)

// apiError is an error answer: {"error": {code, message, param, type}}.
type apiError struct {
	status        int
	code, message string
	param         string
	retryAfter    string
}

func invalidParam(param, format string, args ...any) *apiError {
	return &apiError{
		status: http.StatusBadRequest, code: "InvalidParameter", param: param,
		message: fmt.Sprintf("The parameter `%s` specified in the request is not valid: %s.", param, fmt.Sprintf(format, args...)),
	}
}

func missingParam(param string) *apiError {
	return &apiError{
		status: http.StatusBadRequest, code: "MissingParameter", param: param,
		message: fmt.Sprintf("The request failed because it is missing one or multiple required parameters. Please check the parameter `%s`.", param),
	}
}

// genRequest is a generation request that passed validation.
type genRequest struct {
	model   seedream.Model
	modelID string // the model id the answer reports
	prompt  string
	width   int
	height  int
	format  string // "jpeg" or "png"
	images  int    // slots to generate
	b64     bool
	stream  bool
	// inputImages is the reference images billed (5.0 Pro reports them);
	// webSearch is true when the request let the model search.
	inputImages int
	webSearch   bool
	// digest covers every field that changes the picture, so that the same
	// request always draws the same colours.
	digest    [32]byte
	directive directive
}

// knownFields are the request fields the API defines (SEEDREAM_API.md).
var knownFields = []string{
	"model", "prompt", "image", "size", "seed", "guidance_scale",
	"sequential_image_generation", "sequential_image_generation_options",
	"stream", "response_format", "watermark", "output_format", "optimize_prompt_options", "tools",
}

// Limits on reference images (SEEDREAM_API.md "Request fields").
const (
	maxRefBytes = 30 << 20
	minRefSide  = 15
	// maxRefPixels is the vendor docs' 6000x6000 cap on a reference image.
	// It also keeps an "adaptive" answer within what a JPEG header can say.
	maxRefPixels = 6000 * 6000
)

// refFormats are the data URI formats the API takes that Go can decode,
// with the name image.DecodeConfig reports for each.
var refFormats = map[string]string{
	"jpeg": "jpeg", "jpg": "jpeg", "png": "png", "webp": "webp",
	"bmp": "bmp", "tiff": "tiff", "gif": "gif",
}

// parseRequest validates a request body the way the API does and returns
// the first problem it would report.
func (s *Server) parseRequest(fields map[string]json.RawMessage) (*genRequest, *apiError) {
	str := func(name string) (string, bool, *apiError) {
		raw, ok := fields[name]
		if !ok {
			return "", false, nil
		}
		var v string
		if err := json.Unmarshal(raw, &v); err != nil || bytes.Equal(raw, []byte("null")) {
			return "", true, invalidParam(name, "must be a string")
		}
		return v, true, nil
	}

	modelID, ok, apiErr := str("model")
	if apiErr != nil {
		return nil, apiErr
	}
	if !ok || modelID == "" {
		return nil, missingParam("model")
	}
	prompt, ok, apiErr := str("prompt")
	if apiErr != nil {
		return nil, apiErr
	}
	if !ok || strings.TrimSpace(prompt) == "" {
		return nil, missingParam("prompt")
	}
	req := &genRequest{prompt: prompt, modelID: modelID, format: "jpeg"}
	m, known := seedream.LookupModel(modelID)
	if !known {
		s.mu.Lock()
		f, registered := s.endpoints[modelID]
		s.mu.Unlock()
		if registered {
			m, _ = seedream.ModelFor(f)
			req.modelID = m.ID // the vendor reports the model behind an endpoint
			known = true
		}
	}
	if !known {
		return nil, &apiError{
			status: http.StatusNotFound, code: "InvalidEndpointOrModel.NotFound", param: "model",
			message: fmt.Sprintf("The model or endpoint %s does not exist or you do not have access to it.", modelID),
		}
	}
	req.model = m

	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(knownFields, name) {
			return nil, invalidParam(name, "unknown parameter")
		}
	}

	var p seedream.Params
	refs, apiErr := parseImages(fields["image"])
	if apiErr != nil {
		return nil, apiErr
	}
	p.References = len(refs)
	if refs != nil && m.MaxRefs == 0 {
		return nil, invalidParam("image", "%s takes no reference images", m.Family)
	}
	for i, r := range refs {
		// seededit edits within an aspect ratio of [1/3, 3] only.
		if m.Family == seedream.SeedEdit30 && r.width > 0 && (r.width > 3*r.height || r.height > 3*r.width) {
			return nil, invalidParam("image", "image %d: %s takes an aspect ratio within [1/3, 3], got %dx%d", i, m.Family, r.width, r.height)
		}
	}

	var hasSize bool
	if p.Size, hasSize, apiErr = str("size"); apiErr != nil {
		return nil, apiErr
	}
	if hasSize && p.Size == "" {
		return nil, invalidParam("size", "must not be empty")
	}
	if raw, ok := fields["seed"]; ok {
		var n json.Number
		// json.Number also takes a quoted number; the API does not.
		if err := json.Unmarshal(raw, &n); err != nil || raw[0] == '"' {
			return nil, invalidParam("seed", "must be an integer")
		}
		v, err := n.Int64()
		if err != nil {
			return nil, invalidParam("seed", "must be an integer, got %s", n)
		}
		p.Seed = &v
	}
	if raw, ok := fields["guidance_scale"]; ok {
		var v float64
		if err := json.Unmarshal(raw, &v); err != nil || bytes.Equal(raw, []byte("null")) {
			return nil, invalidParam("guidance_scale", "must be a number")
		}
		p.Guidance = &v
	}

	seq, hasSeq, apiErr := str("sequential_image_generation")
	if apiErr != nil {
		return nil, apiErr
	}
	if hasSeq {
		if seq != "auto" && seq != "disabled" {
			return nil, invalidParam("sequential_image_generation", "must be auto or disabled, got %q", seq)
		}
		if !m.Sequential {
			return nil, invalidParam("sequential_image_generation", "%s cannot generate image sets", m.Family)
		}
	}
	req.images = 1
	if raw, ok := fields["sequential_image_generation_options"]; ok {
		if seq != "auto" {
			return nil, invalidParam("sequential_image_generation_options", "only allowed with sequential_image_generation auto")
		}
		opts, apiErr := object(raw, "sequential_image_generation_options", "max_images")
		if apiErr != nil {
			return nil, apiErr
		}
		if rawMax, ok := opts["max_images"]; ok {
			var n int
			if err := json.Unmarshal(rawMax, &n); err != nil || bytes.Equal(rawMax, []byte("null")) {
				return nil, invalidParam("sequential_image_generation_options.max_images", "must be an integer")
			}
			if n < 1 {
				return nil, invalidParam("sequential_image_generation_options.max_images", "max_images must be in [1, %d], got %d", seedream.MaxSequentialImages, n)
			}
			p.MaxImages = n
			req.images = n
		}
	}
	if seq == "auto" && p.MaxImages == 0 {
		// max_images defaults to its ceiling, less the reference images.
		req.images = max(1, seedream.MaxSequentialImages-len(refs))
	}

	if raw, ok := fields["stream"]; ok {
		if err := json.Unmarshal(raw, &p.Stream); err != nil || bytes.Equal(raw, []byte("null")) {
			return nil, invalidParam("stream", "must be a boolean")
		}
		if !m.Stream {
			return nil, invalidParam("stream", "%s does not stream", m.Family)
		}
		req.stream = p.Stream
	}
	format, _, apiErr := str("response_format")
	if apiErr != nil {
		return nil, apiErr
	}
	switch format {
	case "", "url":
	case "b64_json":
		req.b64 = true
	default:
		return nil, invalidParam("response_format", "must be url or b64_json, got %q", format)
	}
	if raw, ok := fields["watermark"]; ok {
		var v bool
		if err := json.Unmarshal(raw, &v); err != nil || bytes.Equal(raw, []byte("null")) {
			return nil, invalidParam("watermark", "must be a boolean")
		}
	}
	var hasFormat bool
	if p.OutputFormat, hasFormat, apiErr = str("output_format"); apiErr != nil {
		return nil, apiErr
	}
	if hasFormat && p.OutputFormat == "" {
		return nil, invalidParam("output_format", "must be png or jpeg")
	}
	if raw, ok := fields["optimize_prompt_options"]; ok {
		opts, apiErr := object(raw, "optimize_prompt_options", "mode", "thinking")
		if apiErr != nil {
			return nil, apiErr
		}
		p.OptimizePrompt = "standard"
		if rawMode, ok := opts["mode"]; ok {
			if err := json.Unmarshal(rawMode, &p.OptimizePrompt); err != nil || p.OptimizePrompt == "" {
				return nil, invalidParam("optimize_prompt_options.mode", "must be a non-empty string")
			}
		}
		if rawThinking, ok := opts["thinking"]; ok {
			if err := json.Unmarshal(rawThinking, &p.Thinking); err != nil || p.Thinking == "" {
				return nil, invalidParam("optimize_prompt_options.thinking", "must be a non-empty string")
			}
		}
	}
	if raw, ok := fields["tools"]; ok {
		if p.WebSearch, apiErr = parseTools(raw); apiErr != nil {
			return nil, apiErr
		}
	}

	if errs := m.Check(p); len(errs) > 0 {
		return nil, invalidParam(errs[0].Param, "%s", errs[0].Message)
	}

	if p.OutputFormat == "png" {
		req.format = "png"
	}
	req.webSearch = p.WebSearch
	if m.Family == seedream.Seedream50Pro {
		req.inputImages = len(refs)
	}
	w, h, ok := m.Dimensions(p.Size)
	if !ok {
		// "adaptive": the reference image's size when the server can see it.
		w, h = 1024, 1024
		if len(refs) > 0 && refs[0].width > 0 {
			w, h = refs[0].width, refs[0].height
		}
	}
	req.width, req.height = w, h

	if req.directive, apiErr = directiveOf(prompt); apiErr != nil {
		return nil, apiErr
	}
	if req.directive.images > 0 && seq == "auto" {
		req.images = min(req.images, req.directive.images)
	}
	req.digest = pictureDigest(fields)
	return req, nil
}

func directiveOf(prompt string) (directive, *apiError) {
	d, err := parseDirectives(prompt)
	if err != nil {
		return d, invalidParam("prompt", "seedreamtest: %v", err)
	}
	return d, nil
}

// pictureDigest hashes the request without the fields that only change how
// the answer is delivered, so that a url and a b64_json request, streamed or
// not, draw the same picture.
func pictureDigest(fields map[string]json.RawMessage) [32]byte {
	kept := make(map[string]json.RawMessage, len(fields))
	for k, v := range fields {
		if k != "stream" && k != "response_format" {
			kept[k] = v
		}
	}
	b, err := json.Marshal(kept) // map keys are written sorted: canonical
	if err != nil {
		panic(err) // the values are JSON that was just decoded
	}
	return sha256.Sum256(b)
}

// object decodes an options object and rejects keys other than allowed.
func object(raw json.RawMessage, name string, allowed ...string) (map[string]json.RawMessage, *apiError) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, invalidParam(name, "must be an object")
	}
	for k := range m {
		if !slices.Contains(allowed, k) {
			return nil, invalidParam(name+"."+k, "unknown parameter")
		}
	}
	return m, nil
}

// parseTools validates `tools`: an array of {"type": "web_search"}, the
// only tool there is. It reports whether web search was asked for.
func parseTools(raw json.RawMessage) (bool, *apiError) {
	var tools []json.RawMessage
	if err := json.Unmarshal(raw, &tools); err != nil || tools == nil {
		return false, invalidParam("tools", "must be an array of objects")
	}
	for i, t := range tools {
		name := fmt.Sprintf("tools[%d]", i)
		obj, apiErr := object(t, name, "type")
		if apiErr != nil {
			return false, apiErr
		}
		var typ string
		if err := json.Unmarshal(obj["type"], &typ); err != nil || typ != "web_search" {
			return false, invalidParam(name+".type", "the only tool is web_search, got %s", obj["type"])
		}
	}
	return len(tools) > 0, nil
}

// parseHEIF takes a HEIC or HEIF image, which Go cannot decode: the
// container's ftyp box must be there; the size is left to the model.
func parseHEIF(format, data string) (refImage, error) {
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return refImage{}, fmt.Errorf("the data is not base64: %v", err)
	}
	if len(b) > maxRefBytes {
		return refImage{}, fmt.Errorf("larger than %d MB", maxRefBytes>>20)
	}
	if len(b) < 12 || string(b[4:8]) != "ftyp" {
		return refImage{}, fmt.Errorf("the data is not a %s image: no ftyp box", format)
	}
	return refImage{}, nil
}

// refImage is one reference image; width is 0 for a URL, which the fake
// does not fetch.
type refImage struct {
	width, height int
}

// parseImages validates `image`: a string or an array of strings, each an
// http(s) URL or a data:image/<fmt>;base64, URI of a decodable image.
func parseImages(raw json.RawMessage) ([]refImage, *apiError) {
	if raw == nil {
		return nil, nil
	}
	var list []string
	var one string
	if err := json.Unmarshal(raw, &one); err == nil && !bytes.Equal(raw, []byte("null")) {
		list = []string{one}
	} else if err := json.Unmarshal(raw, &list); err != nil || list == nil {
		return nil, invalidParam("image", "must be a string or an array of strings")
	}
	refs := make([]refImage, len(list))
	for i, s := range list {
		ref, err := parseImage(s)
		if err != nil {
			return nil, invalidParam("image", "image %d: %v", i, err)
		}
		refs[i] = ref
	}
	return refs, nil
}

func parseImage(s string) (refImage, error) {
	if rest, ok := strings.CutPrefix(s, "data:"); ok {
		return parseDataURI(rest)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return refImage{}, fmt.Errorf("must be an http(s) URL or a data:image/<format>;base64, URI")
	}
	return refImage{}, nil
}

func parseDataURI(s string) (refImage, error) {
	mediaType, data, ok := strings.Cut(s, ";base64,")
	format, isImage := strings.CutPrefix(mediaType, "image/")
	if !ok || !isImage {
		return refImage{}, fmt.Errorf("a data URI must be data:image/<format>;base64,<data>")
	}
	if format != strings.ToLower(format) {
		return refImage{}, fmt.Errorf("the image format %q must be lowercase", format)
	}
	if format == "heic" || format == "heif" {
		return parseHEIF(format, data)
	}
	decodedName, ok := refFormats[format]
	if !ok {
		return refImage{}, fmt.Errorf("unsupported image format %q", format)
	}
	if base64.StdEncoding.DecodedLen(len(data)) > maxRefBytes+2 {
		return refImage{}, fmt.Errorf("larger than %d MB", maxRefBytes>>20)
	}
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return refImage{}, fmt.Errorf("the data is not base64: %v", err)
	}
	if len(b) > maxRefBytes {
		return refImage{}, fmt.Errorf("larger than %d MB", maxRefBytes>>20)
	}
	cfg, got, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return refImage{}, fmt.Errorf("the data is not a %s image: %v", format, err)
	}
	if got != decodedName {
		return refImage{}, fmt.Errorf("the data URI says %s but the data is %s", format, got)
	}
	if cfg.Width < minRefSide || cfg.Height < minRefSide {
		return refImage{}, fmt.Errorf("each side must be more than %d px, got %dx%d", minRefSide-1, cfg.Width, cfg.Height)
	}
	if cfg.Width*cfg.Height > maxRefPixels {
		return refImage{}, fmt.Errorf("at most 6000x6000 pixels, got %dx%d", cfg.Width, cfg.Height)
	}
	ratio := float64(cfg.Width) / float64(cfg.Height)
	if ratio > seedream.MaxAspectRatio || ratio < 1/seedream.MaxAspectRatio {
		return refImage{}, fmt.Errorf("aspect ratio must lie in [1/16, 16], got %dx%d", cfg.Width, cfg.Height)
	}
	return refImage{width: cfg.Width, height: cfg.Height}, nil
}
