"""The files that build the sandbox image and run inside it: package data, read, never imported."""
