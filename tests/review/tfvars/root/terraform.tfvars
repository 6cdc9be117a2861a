db_multi_az = false
backup_days = 0
