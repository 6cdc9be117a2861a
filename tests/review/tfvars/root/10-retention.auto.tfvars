# overridden by 20-retention.auto.tfvars.json (later by name)
backup_days = 0
