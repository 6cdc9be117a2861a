"""Rules over Kubernetes objects (generated manifests and a user's YAML alike)."""
