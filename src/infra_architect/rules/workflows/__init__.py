"""Rules over CI/CD workflows (GitHub Actions)."""
