# The lab's VM image for Instruqt: Ubuntu 24.04 with everything the track's setup would install,
# made by `scripts/lab-setup --bake` (tools, code-server, the workshop with every module, solution
# and the checks built). A VM made from it is Ready in under a minute. See README.md beside this.
#   packer init . && packer build -var project_id=MY-PROJECT -var repo_url=https://... .

variable "project_id" {
  type        = string
  description = "The Google Cloud project the image is made in (Instruqt must be allowed to use it)."
}

variable "repo_url" {
  type        = string
  description = "The clone URL of the published workshop: the same as REPO_URL in ../config.yml."
}

variable "repo_ref" {
  type        = string
  default     = "main"
  description = "The branch or tag baked in; the track's setup fetches the published commit over it."
}

variable "zone" {
  type    = string
  default = "europe-west1-b"
}

packer {
  required_plugins {
    googlecompute = {
      source  = "github.com/hashicorp/googlecompute"
      version = "~> 1"
    }
  }
}

source "googlecompute" "lab" {
  project_id              = var.project_id
  zone                    = var.zone
  source_image_family     = "ubuntu-2404-lts-amd64"
  source_image_project_id = ["ubuntu-os-cloud"]
  # The same machine type as ../config.yml: the bake builds the whole workspace.
  machine_type = "n2-standard-4"
  # A VM made from the image gets this disk; the lab adds about 6 GB to the system, plus
  # rust-analyzer's own build once the editor opens (docs/benchmarks.md).
  disk_size    = 20
  image_name   = "failure-proof-rust-lab-${formatdate("YYYYMMDD-hhmm", timestamp())}"
  image_family = "failure-proof-rust-lab"
  ssh_username = "packer"
  image_labels = {
    workshop = "failure-proof-rust"
  }
}

build {
  sources = ["source.googlecompute.lab"]

  # As root with root's HOME, as Instruqt runs the track's scripts.
  provisioner "shell" {
    execute_command  = "sudo -H env {{ .Vars }} bash '{{ .Path }}'"
    environment_vars = ["REPO_URL=${var.repo_url}", "REPO_REF=${var.repo_ref}"]
    inline = [
      "set -euo pipefail",
      "git clone --quiet --branch \"$REPO_REF\" \"$REPO_URL\" /workspace/failure-proof-rust",
      "/workspace/failure-proof-rust/scripts/lab-setup --bake",
    ]
  }
}
