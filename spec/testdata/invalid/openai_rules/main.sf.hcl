provider "openai" {}

provider "openai" {
  alias    = "azure"
  base_url = "https://example.openai.azure.com/openai/v1"
}

image "unknown_size" {
  provider = openai
  model    = "gpt-image-1"
  prompt   = "x"
  size     = "512x512" # ERROR: Invalid size for gpt-image-1
  path     = "a.png"
}

image "transparent_jpeg" {
  provider      = openai
  model         = "gpt-image-1"
  prompt        = "x"
  background    = "transparent" # ERROR: Invalid background for gpt-image-1
  output_format = "jpeg"
  path          = "b.jpeg"
}

image "compression_on_png" {
  provider           = openai
  model              = "gpt-image-1-mini"
  prompt             = "x"
  output_compression = 50 # ERROR: Invalid output_compression for gpt-image-1-mini
  path               = "c.png"
}

image_set "too_many" {
  provider   = openai
  model      = "gpt-image-1.5"
  prompt     = "x"
  max_images = 11 # ERROR: Invalid max_images for gpt-image-1.5
}

image "flexible_off_grid" {
  provider = openai
  model    = "gpt-image-2"
  prompt   = "x"
  size     = "1000x1000" # ERROR: Invalid size for gpt-image-2
  path     = "d.png"
}

image "gpt2_transparent" {
  provider   = openai
  model      = "gpt-image-2"
  prompt     = "x"
  background = "transparent" # ERROR: Invalid background for gpt-image-2
  path       = "e.png"
}

image "b64_refused" {
  provider        = openai
  model           = "gpt-image-1"
  prompt          = "x"
  response_format = "b64_json" # ERROR: Invalid response_format for gpt-image-1
  path            = "f.png"
}

image "dalle_at_vendor" {
  provider = openai
  model    = "dall-e-3" # WARNING: Model retired by OpenAI
  prompt   = "x"
  quality  = "low" # ERROR: Invalid quality for dall-e-3
  path     = "g.png"
}

image "dalle_on_azure" {
  provider = openai.azure
  model    = "dall-e-3"
  prompt   = "x"
  style    = "vivid"
  path     = "h.png"
}

image "dalle_jpeg" {
  provider = openai.azure
  model    = "dall-e-3"
  prompt   = "x"
  path     = "i.jpeg" # ERROR: Output format mismatch
}

image "url_reference" {
  provider   = openai
  model      = "gpt-image-1"
  prompt     = "x"
  references = ["https://example.com/a.png"] # ERROR: Reference URLs on the openai provider
  path       = "j.png"
}

image "seedream_attribute" {
  provider = openai
  model    = "gpt-image-1"
  prompt   = "x"
  seed     = 3 # ERROR: Unsupported argument
  path     = "k.png"
}

image "deployment" {
  provider = openai.azure
  model    = "my-deployment" # WARNING: Unknown model
  prompt   = "x"
  path     = "l.png"
}

image "no_model" { # ERROR: Missing model
  provider = openai
  prompt   = "x"
  path     = "m.png"
}

image "bad_quality_value" {
  provider = openai
  model    = "gpt-image-1"
  prompt   = "x"
  quality  = "ultra" # ERROR: Invalid quality
  path     = "n.png"
}

image "not_an_image" {
  provider   = openai
  model      = "gpt-image-1"
  prompt     = "x"
  references = ["notes.txt"] # ERROR: Invalid reference image
  path       = "o.png"
}

image "mask_missing" {
  provider   = openai
  model      = "gpt-image-1"
  prompt     = "x"
  references = ["ok.png"]
  mask       = "nowhere.png" # ERROR: Reference file not found
  path       = "p.png"
}

image "mask_without_image" {
  provider = openai
  model    = "gpt-image-1"
  prompt   = "x"
  mask     = "ok.png" # ERROR: Invalid mask for gpt-image-1
  path     = "q.png"
}
